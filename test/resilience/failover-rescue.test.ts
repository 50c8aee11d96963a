import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  anthropicError,
  anthropicStreamFrames,
  type MockUpstream,
  openAIChatStreamFrames,
  openAIError,
  type ScriptedResponse,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { openChatStream, streamChat } from "./gateway-calls.js";
import { anthropicTarget, configText, labelOf, openAITarget } from "./resilience-config.js";

/**
 * Issue 16's fault table: one primary (OpenAI, relayed) and one fallback (Anthropic, translated, which takes an
 * assistant prefill), every fault a reviewer injects, and for each the complete answer the client must get
 * (the primary's after a retry, the fallback's, or the primary's start continued by the fallback), with the
 * attempts in the headers. The content-policy refusal is the one fault that must reach the client as it is.
 * Timeouts are set short per target (a documented override), so that silence is quick to provoke.
 */

const PROMPT = "hello there friend";
const ANSWER = `Echo: ${PROMPT}`;
/** The primary's stream of the same answer: role chunk, "Echo:", " hello", " there", " friend", finish, [DONE]. */
const PRIMARY_FRAMES = openAIChatStreamFrames({ text: ANSWER });
const forever = new Promise<never>(() => {});

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;
let primary: ReturnType<typeof openAITarget>;
let fallback: ReturnType<typeof anthropicTarget>;

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const quick = { first_byte_seconds: 0.5, first_token_seconds: 0.5, idle_seconds: 0.5 };
  primary = openAITarget(openai, "gpt-primary", { timeouts: quick });
  fallback = anthropicTarget(anthropic, "claude-fallback");
  const common = { circuit_breaker: { failure_threshold: 0 }, mid_stream_continuation: true };
  gateway = await startGateway(
    configText([
      { name: "rescue", targets: [primary, fallback], ...common },
      {
        name: "slow-token",
        // A long idle limit: only the first-token limit can leave this primary before the client gives up.
        targets: [
          openAITarget(openai, "gpt-primary", { timeouts: { first_token_seconds: 0.5, idle_seconds: 60 } }),
          fallback,
        ],
        ...common,
      },
      { name: "no-continuation", targets: [primary, fallback], circuit_breaker: { failure_threshold: 0 } },
      {
        name: "translated",
        targets: [anthropicTarget(anthropic, "claude-primary", { timeouts: quick }), fallback],
        ...common,
      },
    ]),
  );
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

function json(status: number, body: unknown, headers?: Record<string, string>): ScriptedResponse {
  return { kind: "json", status, body, ...(headers && { headers }) };
}

interface Fault {
  name: string;
  route?: string;
  primary: ScriptedResponse;
  /** Who answers: the primary after retrying, the fallback, or the primary continued by the fallback. */
  servedBy: "primary" | "fallback" | "continued";
  attempts: number;
}

const FAULTS: Fault[] = [
  {
    name: "a 429 with Retry-After",
    primary: json(429, openAIError("Rate limit reached.", "requests"), { "retry-after": "1" }),
    servedBy: "primary",
    attempts: 2,
  },
  {
    name: "a 429 without Retry-After",
    primary: json(429, openAIError("Rate limit reached.", "requests")),
    servedBy: "primary",
    attempts: 2,
  },
  {
    name: "a 500",
    primary: json(500, openAIError("The server had an error.", "server_error")),
    servedBy: "primary",
    attempts: 2,
  },
  {
    name: "a 503",
    primary: json(503, openAIError("The engine is overloaded.", "server_error")),
    servedBy: "fallback",
    attempts: 2,
  },
  { name: "a connection reset", primary: { kind: "reset" }, servedBy: "primary", attempts: 2 },
  { name: "silence (no headers)", primary: { kind: "hang" }, servedBy: "fallback", attempts: 2 },
  {
    name: "a slow first token (role chunk, then silence)",
    route: "slow-token",
    primary: { kind: "stream", frames: PRIMARY_FRAMES, hold: { afterFrames: 1, until: forever } },
    servedBy: "fallback",
    attempts: 2,
  },
  {
    name: "a malformed chunk",
    primary: {
      kind: "stream",
      frames: [
        ...PRIMARY_FRAMES.slice(0, 2),
        'data: {"id": "chatcmpl-x", "choi\n\n',
        ...PRIMARY_FRAMES.slice(2),
      ],
    },
    servedBy: "primary",
    attempts: 1,
  },
  {
    name: "a complete stream without [DONE]",
    primary: { kind: "stream", frames: PRIMARY_FRAMES.slice(0, -1) },
    servedBy: "primary",
    attempts: 1,
  },
  {
    name: "context length exceeded",
    primary: json(
      400,
      openAIError(
        "This model's maximum context length is 8192 tokens.",
        "invalid_request_error",
        "context_length_exceeded",
      ),
    ),
    servedBy: "fallback",
    attempts: 2,
  },
  {
    name: "a stream cut after the first tokens",
    primary: { kind: "stream", frames: PRIMARY_FRAMES, cutAfterFrames: 3 },
    servedBy: "continued",
    attempts: 1,
  },
  {
    name: "a stream stalled after the first tokens",
    primary: { kind: "stream", frames: PRIMARY_FRAMES, hold: { afterFrames: 3, until: forever } },
    servedBy: "continued",
    attempts: 1,
  },
];

describe("a two-target route rescues the answer", () => {
  it.each(FAULTS)("when the primary gives $name", async (fault) => {
    openai.enqueue(fault.primary);

    const answer = await streamChat(gateway.url, fault.route ?? "rescue", PROMPT);

    expect(answer.status).toBe(200);
    expect(answer.errorFrame, answer.text).toBeUndefined();
    expect(answer.done, answer.text).toBe(true);
    expect(answer.content).toBe(ANSWER);
    expect(answer.headers.get("x-switchyard-attempts")).toBe(String(fault.attempts));
    const servedBy = fault.servedBy === "fallback" ? fallback : primary;
    expect(answer.headers.get("x-switchyard-target")).toBe(labelOf(servedBy));
    expect(anthropic.requests).toHaveLength(fault.servedBy === "primary" ? 0 : 1);
    const last = answer.messages.filter((message) => message.data !== "[DONE]").at(-1);
    if (fault.servedBy === "continued") {
      // The continuation took the partial answer as an assistant prefill, and says so in the last chunk.
      const body = anthropic.requests[0]?.body as
        | { messages: { role: string; content: unknown }[] }
        | undefined;
      expect(body?.messages.at(-1)).toEqual({ role: "assistant", content: "Echo: hello" });
      expect(JSON.parse(last?.data ?? "{}").switchyard_continuation).toEqual({
        from: labelOf(primary),
        to: labelOf(fallback),
        reason: expect.stringMatching(/^upstream_/),
        prefillChars: "Echo: hello".length,
      });
      expect(gateway.logs()).toContain("continued on anthropic/claude-fallback");
    } else {
      expect(last?.data).not.toContain("switchyard_continuation");
    }
  });

  it("logs and counts a skipped chunk", async () => {
    openai.enqueue(FAULTS.find((fault) => fault.name === "a malformed chunk")?.primary as ScriptedResponse);
    await streamChat(gateway.url, "rescue", PROMPT);
    expect(gateway.logs()).toContain("skipped an unreadable stream frame from OpenAI");
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /switchyard_stream_frames_skipped_total\{route="rescue",provider="openai"\} [1-9]/,
    );
  });

  it("passes a content-policy refusal on as it is, and asks no other target", async () => {
    openai.enqueue(
      json(
        400,
        openAIError(
          "The response was filtered by the content policy.",
          "invalid_request_error",
          "content_filter",
        ),
      ),
    );

    const answer = await openChatStream(gateway.url, "rescue", PROMPT);

    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("content policy");
    expect(answer.headers.get("x-switchyard-attempts")).toBe("1");
    expect(anthropic.requests).toHaveLength(0);
  });

  it("ends a cut stream with an error frame, never [DONE], when the fallback refuses the prefill", async () => {
    openai.enqueue({ kind: "stream", frames: PRIMARY_FRAMES, cutAfterFrames: 3 });
    anthropic.enqueue(
      json(
        400,
        anthropicError("invalid_request_error", "This model does not support assistant message prefill."),
      ),
    );

    const answer = await streamChat(gateway.url, "rescue", PROMPT);

    expect(answer.status).toBe(200);
    expect(answer.done).toBe(false);
    expect(answer.errorFrame, answer.text).toBeDefined();
    expect(answer.content).toBe("Echo: hello");
    expect(anthropic.requests).toHaveLength(1);
  });

  it("warns at load about targets that cannot continue a stream, naming them", () => {
    expect(gateway.logs()).toContain(
      "route 'rescue': mid_stream_continuation is on, but these targets cannot continue a broken stream (they take no assistant prefill): openai/gpt-primary",
    );
  });

  it("does not continue a broken stream on a route that did not opt in", async () => {
    openai.enqueue({ kind: "stream", frames: PRIMARY_FRAMES, cutAfterFrames: 3 });

    const answer = await streamChat(gateway.url, "no-continuation", PROMPT);

    expect(answer.done).toBe(false);
    expect(answer.errorFrame, answer.text).toBeDefined();
    expect(anthropic.requests).toHaveLength(0);
  });

  it.each([
    ["cut", { cutAfterFrames: 5 }],
    ["stalled", { hold: { afterFrames: 5, until: forever } }],
  ])("continues a translated stream %s after its first tokens", async (_name, fault) => {
    // message_start, ping, content_block_start, "Echo:", " hello": then the break.
    anthropic.enqueue({ kind: "stream", frames: anthropicStreamFrames({ text: ANSWER }), ...fault });

    const answer = await streamChat(gateway.url, "translated", PROMPT);

    expect(answer.errorFrame, answer.text).toBeUndefined();
    expect(answer.done).toBe(true);
    expect(answer.content).toBe(ANSWER);
    const body = anthropic.requests[1]?.body as { model: string; messages: unknown[] } | undefined;
    expect(body?.model).toBe("claude-fallback");
    expect(body?.messages.at(-1)).toEqual({ role: "assistant", content: "Echo: hello" });
    const finish = answer.messages.find((message) => message.data.includes('"finish_reason":"stop"'));
    expect(JSON.parse(finish?.data ?? "{}").switchyard_continuation).toMatchObject({
      from: "anthropic/claude-primary",
      to: "anthropic/claude-fallback",
    });
  });

  it("gives the OpenAI SDK one stream, id and choice consistent, when a stream is continued", async () => {
    openai.enqueue({ kind: "stream", frames: PRIMARY_FRAMES, cutAfterFrames: 3 });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });

    const stream = await client.chat.completions.create({
      model: "rescue",
      messages: [{ role: "user", content: PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const ids = new Set<string>();
    let content = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      for (const choice of chunk.choices) {
        expect(choice.index).toBe(0);
        content += choice.delta.content ?? "";
        finish = choice.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }

    expect(content).toBe(ANSWER);
    expect(finish).toBe("stop");
    // The primary's id on every chunk, the continuation's included.
    expect([...ids]).toEqual([JSON.parse(PRIMARY_FRAMES[0]?.slice(6) ?? "{}").id]);
    // The continuation's usage: the prompt and the prefill in, the rest of the answer out.
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 });
  });
});
