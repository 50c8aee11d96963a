import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, startAnthropicMock } from "../mock-upstream/index.js";
import { type FlakyUpstream, startFlakyUpstream } from "./flaky-upstream.js";
import { askChat, openChatStream, runConcurrently, streamChat } from "./gateway-calls.js";
import { anthropicTarget, configText, openAITarget } from "./resilience-config.js";
import { FAULTY_TARGET_TIMEOUTS } from "./upstream-faults.js";

/**
 * Chaos: thousands of requests, concurrently, through the OpenAI API (whole and streamed) and the MLflow API,
 * on a route whose first target fails 30% of its requests in every way an upstream fails before answering.
 * No client may notice. Then a route whose targets both fail every request: every client gets an honest error,
 * an error status with a JSON error body, never a 200 with garbage and never a hang.
 */

const REQUESTS = 2_000;
const CONCURRENCY = 32;

let flaky: FlakyUpstream;
let steady: MockUpstream;
let brokenA: FlakyUpstream;
let brokenB: FlakyUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  flaky = await startFlakyUpstream({
    faultRate: 0.3,
    faults: ["500", "503", "reset", "malformed", "html"],
    seed: 20_240_601,
  });
  steady = await startAnthropicMock();
  const always = ["500", "503", "reset", "malformed", "html", "hang"] as const;
  brokenA = await startFlakyUpstream({ faultRate: 1, faults: [...always], seed: 1 });
  brokenB = await startFlakyUpstream({ faultRate: 1, faults: [...always], seed: 2 });
  const faulty = { timeouts: FAULTY_TARGET_TIMEOUTS };
  const quickRetries = { max_attempts: 2, initial_backoff_seconds: 0.005, max_backoff_seconds: 0.05 };
  gateway = await startGateway(
    configText([
      {
        name: "chaos",
        targets: [openAITarget(flaky.url, "gpt-flaky", faulty), anthropicTarget(steady, "claude-steady")],
        retries: quickRetries,
        // A breaker that opens and recovers within the run, so it is part of the chaos too.
        circuit_breaker: {
          failure_threshold: 5,
          cooldown_seconds: 0.2,
          ramp_up_seconds: 0.2,
          probe_interval_seconds: 0.2,
        },
      },
      {
        name: "doomed",
        targets: [
          openAITarget(brokenA.url, "gpt-broken", faulty),
          openAITarget(brokenB.url, "gpt-broken-too", faulty),
        ],
        retries: quickRetries,
        // Off, so that every request meets the upstreams' own failures rather than an open circuit.
        circuit_breaker: { failure_threshold: 0 },
      },
    ]),
  );
});

afterAll(async () => {
  await gateway?.close();
  for (const upstream of [flaky, steady, brokenA, brokenB]) await upstream?.close();
});

type Call = "openai" | "openai-stream" | "mlflow";
const CALLS: Call[] = ["openai", "mlflow", "openai-stream", "mlflow"];

/** Sends request `index` and describes what the client saw: undefined when it got a complete, correct answer. */
async function clientVisibleFailure(route: string, index: number): Promise<string | undefined> {
  const call = CALLS[index % CALLS.length] ?? "openai";
  const content = `request ${index}`;
  try {
    if (call === "openai-stream") {
      const stream = await streamChat(gateway.url, route, content);
      if (
        stream.status === 200 &&
        stream.done &&
        stream.errorFrame === undefined &&
        stream.content === `Echo: ${content}`
      )
        return undefined;
      return `${call} #${index}: ${stream.status} ${stream.text.slice(0, 300)}`;
    }
    const answer = await askChat(gateway.url, call, route, content);
    if (answer.status === 200 && answer.content === `Echo: ${content}`) return undefined;
    return `${call} #${index}: ${answer.status} ${answer.text.slice(0, 300)}`;
  } catch (error) {
    return `${call} #${index}: no answer (${String(error)})`;
  }
}

/** Sends request `index` to a route that cannot succeed; describes the answer unless it is an honest error. */
async function dishonestAnswer(index: number): Promise<string | undefined> {
  const call = CALLS[index % CALLS.length] ?? "openai";
  try {
    const { status, text } =
      call === "openai-stream"
        ? await openChatStream(gateway.url, "doomed", "hi").then(async (response) => ({
            status: response.status,
            text: await response.text(),
          }))
        : await askChat(gateway.url, call, "doomed", "hi");
    const body = JSON.parse(text) as { error?: { message?: unknown }; detail?: unknown };
    const message = call === "mlflow" ? body.detail : body.error?.message;
    if ([500, 502, 503, 504].includes(status) && typeof message === "string" && message !== "")
      return undefined;
    return `${call} #${index}: ${status} ${text.slice(0, 300)}`;
  } catch (error) {
    return `${call} #${index}: no honest answer (${String(error)})`;
  }
}

describe("chaos", () => {
  it(`hides every failure of a target that fails 30% of ${REQUESTS} concurrent requests`, async () => {
    const failures = await runConcurrently(REQUESTS, CONCURRENCY, (index) =>
      clientVisibleFailure("chaos", index),
    );

    expect(failures.filter((failure) => failure !== undefined)).toEqual([]);
    // The chaos did happen: the flaky target got plenty of traffic (its breaker keeps it out part of the time)
    // and failed a good part of it.
    const { requests, faults } = flaky.counts();
    expect(requests).toBeGreaterThan(REQUESTS / 10);
    expect(faults).toBeGreaterThan(requests / 10);
  });

  it("gives every client an honest error when both targets fail every request", async () => {
    const dishonest = await runConcurrently(200, CONCURRENCY, dishonestAnswer);

    expect(dishonest.filter((failure) => failure !== undefined)).toEqual([]);
    expect(brokenA.counts().requests).toBeGreaterThanOrEqual(200);
    expect(brokenB.counts().requests).toBeGreaterThanOrEqual(200);
  });

  it("serves normally once the chaos is over", async () => {
    expect(await clientVisibleFailure("chaos", 0)).toBeUndefined();
    expect(await clientVisibleFailure("chaos", 1)).toBeUndefined();
    expect(await clientVisibleFailure("chaos", 2)).toBeUndefined();
  });
});
