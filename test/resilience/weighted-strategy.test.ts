import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, startAnthropicMock, startOpenAIMock } from "../mock-upstream/index.js";
import { askChat, CLIENT_APIS, runConcurrently } from "./gateway-calls.js";
import { anthropicTarget, configText, openAITarget } from "./resilience-config.js";

/**
 * `strategy: weighted`: each request picks its first target at random by weight, and the other targets remain
 * its fallbacks. The split is checked statistically over a fixed number of requests, with a margin so wide that
 * a correct gateway practically never fails it: the lighter target's count is binomial (n = 400, p = 1/4, mean
 * 100, standard deviation 8.7), and the assertion only fails from 160 on, nearly seven deviations out. A gateway
 * that ignored the weights (mean 200) would fail it almost every time.
 */

const REQUESTS = 400;

let heavy: MockUpstream;
let light: MockUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  heavy = await startOpenAIMock();
  light = await startAnthropicMock();
  gateway = await startGateway(
    configText([
      {
        name: "weighted",
        strategy: "weighted",
        targets: [openAITarget(heavy, "gpt-heavy", { weight: 3 }), anthropicTarget(light, "claude-light")],
        retries: { max_attempts: 1 },
        circuit_breaker: { failure_threshold: 0 },
      },
    ]),
  );
});

afterAll(async () => {
  await gateway?.close();
  await heavy?.close();
  await light?.close();
});

beforeEach(() => {
  heavy.reset();
  light.reset();
});

describe("a weighted route with weights 3 and 1", () => {
  it.each(CLIENT_APIS)("sends both targets traffic, the heavier clearly more (%s API)", async (api) => {
    const answers = await runConcurrently(REQUESTS, 16, () => askChat(gateway.url, api, "weighted"));

    expect(answers.every((answer) => answer.status === 200 && answer.attempts === 1)).toBe(true);
    const servedBy = (label: string) => answers.filter((answer) => answer.target === label).length;
    const heavyCount = servedBy("openai/gpt-heavy");
    const lightCount = servedBy("anthropic/claude-light");
    expect(heavyCount + lightCount).toBe(REQUESTS);
    expect(lightCount).toBeGreaterThanOrEqual(1);
    expect(heavyCount).toBeGreaterThan(1.5 * lightCount);
    // The headers tell the truth: each answer came from the upstream they name.
    expect(heavy.requests).toHaveLength(heavyCount);
    expect(light.requests).toHaveLength(lightCount);
  });

  it("falls back to the lighter target whenever the heavier one is drawn first and fails", async () => {
    // The heavier target answers every request it gets with a 503 (the queue outlasts the requests).
    const requests = 40;
    for (let index = 0; index < requests; index++) {
      heavy.enqueue({
        kind: "json",
        status: 503,
        body: { error: { message: "busy", type: "server_error" } },
      });
    }
    const answers = await runConcurrently(requests, 1, () => askChat(gateway.url, "openai", "weighted"));

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(answers.every((answer) => answer.target === "anthropic/claude-light")).toBe(true);
    const fellBack = answers.filter((answer) => answer.attempts === 2).length;
    // Drawn first about 30 times in 40; never drawn at all has a chance of 0.25^40.
    expect(fellBack).toBeGreaterThan(0);
    expect(heavy.requests).toHaveLength(fellBack);
    expect(light.requests).toHaveLength(requests);
  });
});
