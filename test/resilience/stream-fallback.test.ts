import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, startAnthropicMock, startOpenAIMock } from "../mock-upstream/index.js";
import { streamChat } from "./gateway-calls.js";
import { anthropicTarget, configText, labelOf, openAITarget, type TargetSpec } from "./resilience-config.js";
import {
  ANTHROPIC_SHAPES,
  FAULTY_TARGET_TIMEOUTS,
  OPENAI_SHAPES,
  type ProviderShapes,
  STREAM_FAULTS_AFTER_FIRST_BYTE,
  STREAM_FAULTS_BEFORE_FIRST_BYTE,
} from "./upstream-faults.js";

/**
 * The commit point (DESIGN.md): until the first byte of a stream reaches the client, a failed attempt falls
 * back to the next target and the client sees one clean stream; after it, a failure is an error frame in the
 * stream and nothing is retried. Both directions: a relayed OpenAI stream and a translated Anthropic one.
 */

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;

interface StreamRoute {
  name: string;
  first: { target: TargetSpec; mock: () => MockUpstream; shapes: ProviderShapes };
  second: { target: TargetSpec; mock: () => MockUpstream };
}

const ROUTES: StreamRoute[] = [];

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const faulty = { timeouts: FAULTY_TARGET_TIMEOUTS };
  const gptFirst = openAITarget(openai, "gpt-first", faulty);
  const claudeSecond = anthropicTarget(anthropic, "claude-second");
  const claudeFirst = anthropicTarget(anthropic, "claude-first", faulty);
  const gptSecond = openAITarget(openai, "gpt-second");
  ROUTES.push(
    {
      name: "relayed-then-translated",
      first: { target: gptFirst, mock: () => openai, shapes: OPENAI_SHAPES },
      second: { target: claudeSecond, mock: () => anthropic },
    },
    {
      name: "translated-then-relayed",
      first: { target: claudeFirst, mock: () => anthropic, shapes: ANTHROPIC_SHAPES },
      second: { target: gptSecond, mock: () => openai },
    },
  );
  const common = { retries: { max_attempts: 1 }, circuit_breaker: { failure_threshold: 0 } };
  gateway = await startGateway(
    configText([
      { name: "relayed-then-translated", targets: [gptFirst, claudeSecond], ...common },
      { name: "translated-then-relayed", targets: [claudeFirst, gptSecond], ...common },
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

function route(name: string): StreamRoute {
  const found = ROUTES.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no route ${name}`);
  return found;
}

const ROUTE_NAMES = ["relayed-then-translated", "translated-then-relayed"];

describe.each(ROUTE_NAMES)("streaming on route %s", (name) => {
  it.each(STREAM_FAULTS_BEFORE_FIRST_BYTE)(
    "falls back before the first byte when the first target gives $name: one clean stream from the second",
    async (fault) => {
      const { first, second } = route(name);
      first.mock().enqueue(fault.answer(first.shapes));

      const answer = await streamChat(gateway.url, name, "hello");

      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(answer.errorFrame).toBeUndefined();
      expect(answer.done, answer.text).toBe(true);
      expect(answer.content).toBe("Echo: hello");
      expect(answer.text).not.toContain("broken upstream");
      expect(answer.headers.get("x-switchyard-target")).toBe(labelOf(second.target));
      expect(answer.headers.get("x-switchyard-attempts")).toBe("2");
      expect(first.mock().requests).toHaveLength(1);
      expect(second.mock().requests).toHaveLength(1);
    },
  );

  it.each(STREAM_FAULTS_AFTER_FIRST_BYTE)(
    "ends the stream with an error frame, never [DONE], and does not retry on $name",
    async (fault) => {
      const { first, second } = route(name);
      first.mock().enqueue(fault.answer(first.shapes));

      const answer = await streamChat(gateway.url, name, "hello");

      expect(answer.status).toBe(200);
      expect(answer.done).toBe(false);
      expect(answer.errorFrame, answer.text).toMatchObject({
        error: { message: expect.any(String), type: "server_error" },
      });
      // The first events did reach the client before the failure.
      expect(answer.messages.length).toBeGreaterThan(1);
      expect(answer.headers.get("x-switchyard-target")).toBe(labelOf(first.target));
      expect(answer.headers.get("x-switchyard-attempts")).toBe("1");
      expect(first.mock().requests).toHaveLength(1);
      expect(second.mock().requests).toHaveLength(0);
    },
  );

  it("streams from the first target on the next request after a failure", async () => {
    const { first } = route(name);
    first.mock().enqueue({ kind: "reset" });
    await streamChat(gateway.url, name);

    const answer = await streamChat(gateway.url, name, "again");

    expect(answer.done).toBe(true);
    expect(answer.content).toBe("Echo: again");
    expect(answer.headers.get("x-switchyard-target")).toBe(labelOf(first.target));
    expect(answer.headers.get("x-switchyard-attempts")).toBe("1");
  });
});
