import type Anthropic from "@anthropic-ai/sdk";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AgentClients, createAgentClients } from "../agents/agent-clients.js";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  anthropicStreamFrames,
  expectNoSpecViolations,
  type MockUpstream,
  openAIChatStreamFrames,
  openAIResponseStreamFrames,
  type ScriptedStream,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { anthropicTarget, configText, labelOf, openAITarget } from "./resilience-config.js";

/**
 * Mid-stream continuation on the agents' APIs: a stream that breaks or stalls after its first tokens reached an
 * Anthropic Messages client (POST /v1/messages) or an OpenAI Responses client (POST /v1/responses) is continued
 * by the route's fallback (Anthropic, which takes an assistant prefill) when the route opts in, relayed and
 * translated alike: the client's SDK gets one complete answer, in one message or response (its id, block and
 * numbering), checked against the API's schema and stream rules. Without the opt-in the stream ends with the
 * API's own error event.
 */

const PROMPT = "hello there friend";
const ANSWER = `Echo: ${PROMPT}`;
const PREFILL = "Echo: hello";
const forever = new Promise<never>(() => {});

/** Breaks after "Echo:" and " hello" reached the client, in each upstream's stream. */
const ANTHROPIC_BREAK = 5; // message_start, ping, content_block_start, two deltas
const OPENAI_CHAT_BREAK = 3; // role chunk, two deltas
const RESPONSES_BREAK = 6; // created, in_progress, item added, part added, two deltas

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;
let clients: AgentClients;
let fallback: ReturnType<typeof anthropicTarget>;

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const quick = { timeouts: { first_byte_seconds: 0.5, first_token_seconds: 0.5, idle_seconds: 0.5 } };
  // The fallback costs $1 a token, the route's other targets 50 cents: a continued stream's final usage carries the
  // cost of both attempts' tokens, each at its own target's price.
  fallback = {
    ...anthropicTarget(anthropic, "claude-fallback"),
    price: { input_per_mtok: 1_000_000, output_per_mtok: 1_000_000 },
  };
  const continued = {
    circuit_breaker: { failure_threshold: 0 },
    mid_stream_continuation: true,
    price: { input_per_mtok: 500_000, output_per_mtok: 500_000 },
  };
  gateway = await startGateway(
    configText([
      // Relayed to an Anthropic client; translated for a Responses client.
      {
        name: "anthropic-first",
        targets: [anthropicTarget(anthropic, "claude-primary", quick), fallback],
        ...continued,
      },
      // Relayed to a Responses client (OpenAI's Responses API); translated for an Anthropic client.
      { name: "openai-first", targets: [openAITarget(openai, "gpt-primary", quick), fallback], ...continued },
      {
        name: "no-continuation",
        targets: [anthropicTarget(anthropic, "claude-primary", quick), fallback],
        circuit_breaker: { failure_threshold: 0 },
      },
    ]),
  );
  clients = createAgentClients(gateway.url);
});

afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});

beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

afterEach(async () => {
  await clients.expectSpecValid();
  expectNoSpecViolations(openai);
  expectNoSpecViolations(anthropic);
});

type Break = Pick<ScriptedStream, "cutAfterFrames" | "hold">;
const BREAKS: [string, (at: number) => Break][] = [
  ["cut", (at) => ({ cutAfterFrames: at })],
  ["stalled", (at) => ({ hold: { afterFrames: at, until: forever } })],
];

/** The continuing request the fallback got: the primary's partial answer as an assistant prefill. */
function expectPrefilled(request: { body: unknown } | undefined): void {
  const body = request?.body as { model: string; messages: { role: string; content: unknown }[] } | undefined;
  expect(body?.model).toBe("claude-fallback");
  expect(body?.messages.at(-1)).toEqual({ role: "assistant", content: PREFILL });
}

/** The usage of the last `message_delta` the client read (the SDK's message keeps only the token counts). */
async function lastMessageDeltaUsage(): Promise<unknown> {
  const raw = (await clients.exchanges.at(-1)?.text) ?? "";
  const deltas = raw
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line.includes('"type":"message_delta"'))
    .map((line) => JSON.parse(line.slice(6)) as { usage?: unknown });
  return deltas.at(-1)?.usage;
}

/** Dollars per token at a target: the fallback's own price, $1; the route's, 50 cents. */
function pricePerToken(target: string): number {
  return target === labelOf(fallback) ? 1 : 0.5;
}

/**
 * A continued response's usage: both attempts' tokens, and their cost, each attempt's tokens at its own target's
 * price (the usage record's attempts say which tokens were whose).
 */
async function expectPricedUsage(reported: unknown, recordsBefore: number): Promise<void> {
  const usage = reported as { input_tokens: number; output_tokens: number; cost?: number } | undefined;
  expect(usage?.output_tokens).toBeGreaterThan(0);
  const record = await lastUsageRecord(recordsBefore);
  const attempts = (record?.attempts ?? []) as RecordedAttempt[];
  const dollars = attempts.reduce(
    (total, attempt) =>
      total +
      ((attempt.usage?.input_tokens ?? 0) + (attempt.usage?.output_tokens ?? 0)) *
        pricePerToken(attempt.target),
    0,
  );
  expect(attempts.map((attempt) => attempt.target)).toContain(labelOf(fallback));
  expect(usage?.cost).toBe(dollars);
  expect(record?.cost_nano_usd).toBe(dollars * 1e9);
}

/** The `switchyard_continuation` extension a continued stream's last event carries: who broke, who continued. */
function expectContinuation(extension: unknown, from: string): void {
  expect(extension).toEqual({
    from,
    to: labelOf(fallback),
    reason: expect.stringMatching(/^upstream_/),
    prefillChars: PREFILL.length,
  });
}

interface RecordedAttempt {
  target: string;
  status: number;
  error_kind?: string;
  usage: { input_tokens: number; output_tokens: number } | null;
  cost_nano_usd: number | null;
}

/** The usage record of the request that ended last (written as the request ends, so waited for). */
async function lastUsageRecord(recordsBefore: number): Promise<Record<string, unknown> | undefined> {
  for (let wait = 0; wait < 100; wait++) {
    const records = await gateway.usageRecords();
    if (records.length > recordsBefore) return records.at(-1);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/**
 * A continued stream's usage record lists the broken attempt and the continuation, each with the usage it
 * reported and its cost at its own target's price, and their usages add up to the request's.
 */
async function expectAttemptsAddUp(
  recordsBefore: number,
  from: string,
  brokenReported: boolean,
): Promise<void> {
  const record = await lastUsageRecord(recordsBefore);
  const attempts = record?.attempts as RecordedAttempt[] | undefined;
  expect(attempts?.map((attempt) => attempt.target)).toEqual([from, labelOf(fallback)]);
  const [broken, continued] = attempts ?? [];
  expect(broken?.error_kind).toMatch(/^upstream_/);
  expect(continued?.error_kind).toBeUndefined();
  expect(continued?.usage?.output_tokens).toBeGreaterThan(0);
  if (brokenReported) expect(broken?.usage?.output_tokens).toBeGreaterThan(0);
  else expect(broken?.usage).toBeNull();
  const sum = (key: "input_tokens" | "output_tokens") =>
    (attempts ?? []).reduce((total, attempt) => total + (attempt.usage?.[key] ?? 0), 0);
  expect([sum("input_tokens"), sum("output_tokens")]).toEqual([record?.input_tokens, record?.output_tokens]);
  for (const attempt of attempts ?? []) {
    const tokens = attempt.usage === null ? null : attempt.usage.input_tokens + attempt.usage.output_tokens;
    expect(attempt.cost_nano_usd).toBe(tokens === null ? null : tokens * pricePerToken(attempt.target) * 1e9);
  }
}

async function messagesStream(
  model: string,
): Promise<{ message: Anthropic.Message; ids: string[]; continuation: unknown }> {
  const stream = clients.anthropic.messages.stream({
    model,
    max_tokens: 256,
    messages: [{ role: "user", content: PROMPT }],
  });
  const ids: string[] = [];
  let continuation: unknown;
  stream.on("streamEvent", (event) => {
    if (event.type === "message_start") ids.push(event.message.id);
    if (event.type === "message_delta")
      continuation = (event as unknown as Record<string, unknown>).switchyard_continuation;
  });
  return { message: await stream.finalMessage(), ids, continuation };
}

/** The completed response's output: the one message, with the whole answer. */
const ONE_MESSAGE = [
  {
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text: ANSWER }],
  },
];

async function responsesStream(
  model: string,
): Promise<{ types: string[]; text: string; final: unknown; usage: unknown; continuation: unknown }> {
  const stream = await clients.openai.responses.create({ model, input: PROMPT, store: false, stream: true });
  const types: string[] = [];
  let text = "";
  let final: unknown;
  let usage: unknown;
  let continuation: unknown;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.completed") {
      final = event.response.output;
      usage = event.response.usage;
      continuation = (event.response as unknown as Record<string, unknown>).switchyard_continuation;
    }
  }
  return { types, text, final, usage, continuation };
}

describe("POST /v1/messages: a stream broken after its first tokens", () => {
  it.each(BREAKS)("relayed from Anthropic and %s: continued in the same message", async (_name, fault) => {
    anthropic.enqueue({
      kind: "stream",
      frames: anthropicStreamFrames({ text: ANSWER }),
      ...fault(ANTHROPIC_BREAK),
    });
    const recordsBefore = (await gateway.usageRecords()).length;

    const { message, ids, continuation } = await messagesStream("anthropic-first");

    expect(message.content).toMatchObject([{ type: "text", text: ANSWER }]);
    expect(message.content).toHaveLength(1);
    expect(message.stop_reason).toBe("end_turn");
    expectContinuation(continuation, labelOf(anthropicTarget(anthropic, "claude-primary")));
    // One message_start: the primary's; the continuation is the rest of that message.
    expect(ids).toEqual([message.id]);
    await expectPricedUsage(await lastMessageDeltaUsage(), recordsBefore);
    expect(anthropic.requests).toHaveLength(2);
    expectPrefilled(anthropic.requests[1]);
    expect(gateway.logs()).toContain(`continued on ${labelOf(fallback)}`);
    // Both attempts produced tokens: the primary's message_start had reported its usage (1 output token).
    await expectAttemptsAddUp(recordsBefore, labelOf(anthropicTarget(anthropic, "claude-primary")), true);
  });

  it.each(BREAKS)("translated from OpenAI and %s: continued", async (_name, fault) => {
    openai.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: ANSWER }),
      ...fault(OPENAI_CHAT_BREAK),
    });
    const recordsBefore = (await gateway.usageRecords()).length;

    const { message, ids, continuation } = await messagesStream("openai-first");

    expect(message.content).toMatchObject([{ type: "text", text: ANSWER }]);
    expect(message.content).toHaveLength(1);
    expect(ids).toHaveLength(1);
    expectContinuation(continuation, labelOf(openAITarget(openai, "gpt-primary")));
    expectPrefilled(anthropic.requests[0]);
    // OpenAI reports usage at the end of a stream: the broken one reported none (its text is the prefill,
    // billed as the continuation's input).
    await expectAttemptsAddUp(recordsBefore, labelOf(openAITarget(openai, "gpt-primary")), false);
  });

  it("ends with Anthropic's error event on a route that does not continue streams", async () => {
    anthropic.enqueue({ kind: "stream", frames: anthropicStreamFrames({ text: ANSWER }), cutAfterFrames: 5 });

    const error = await messagesStream("no-continuation").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    const raw = (await clients.exchanges.at(-1)?.text) ?? "";
    expect(raw.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\ndata: \{"type":"error"/);
    expect(anthropic.requests).toHaveLength(1);
  });
});

describe("POST /v1/responses: a stream broken after its first tokens", () => {
  it.each(BREAKS)("relayed from OpenAI and %s: continued in the same response", async (_name, fault) => {
    openai.enqueue({
      kind: "stream",
      frames: openAIResponseStreamFrames({ text: ANSWER }),
      ...fault(RESPONSES_BREAK),
    });
    const recordsBefore = (await gateway.usageRecords()).length;

    const { types, text, final, usage, continuation } = await responsesStream("openai-first");

    expect(text).toBe(ANSWER);
    expect(final).toMatchObject(ONE_MESSAGE);
    await expectPricedUsage(usage, recordsBefore);
    expectContinuation(continuation, labelOf(openAITarget(openai, "gpt-primary")));
    expect(types.filter((type) => type === "response.created")).toHaveLength(1);
    expect(types.at(-1)).toBe("response.completed");
    expect(types).not.toContain("response.failed");
    expectPrefilled(anthropic.requests[0]);
    expect(gateway.logs()).toContain(`continued on ${labelOf(fallback)}`);
  });

  it.each(BREAKS)("translated from Anthropic and %s: continued", async (_name, fault) => {
    anthropic.enqueue({
      kind: "stream",
      frames: anthropicStreamFrames({ text: ANSWER }),
      ...fault(ANTHROPIC_BREAK),
    });
    const recordsBefore = (await gateway.usageRecords()).length;

    const { types, text, final, usage, continuation } = await responsesStream("anthropic-first");

    expect(text).toBe(ANSWER);
    expect(final).toMatchObject(ONE_MESSAGE);
    await expectPricedUsage(usage, recordsBefore);
    expectContinuation(continuation, labelOf(anthropicTarget(anthropic, "claude-primary")));
    expect(types.at(-1)).toBe("response.completed");
    expectPrefilled(anthropic.requests[1]);
  });

  it("ends with error and response.failed on a route that does not continue streams", async () => {
    anthropic.enqueue({ kind: "stream", frames: anthropicStreamFrames({ text: ANSWER }), cutAfterFrames: 5 });

    const { types } = await responsesStream("no-continuation");

    expect(types.slice(-2)).toEqual(["error", "response.failed"]);
    expect(types).not.toContain("response.completed");
    expect(anthropic.requests).toHaveLength(1);
  });
});
