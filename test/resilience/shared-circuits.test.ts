import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import { InProcessCoordinator } from "../../src/coordination/in-process-coordinator.js";
import { GatewayInstance } from "../../src/server/gateway-instance.js";
import { type MockUpstream, startAnthropicMock, startOpenAIMock } from "../mock-upstream/index.js";
import { askChat, circuitStates, waitUntil } from "./gateway-calls.js";
import { anthropicTarget, configText, labelOf, openAITarget } from "./resilience-config.js";
import { OPENAI_SHAPES } from "./upstream-faults.js";

/**
 * Breaker state shared by the workers of one gateway: two gateway instances on one coordinator, as two cluster
 * workers on one primary. An outage one of them finds opens the circuit in both; a probe that succeeds in one
 * closes it in both, without the other sending a single request to find out.
 */

let openai: MockUpstream;
let anthropic: MockUpstream;
const workers: { instance: GatewayInstance; url: string }[] = [];
const coordinator = new InProcessCoordinator();
let primaryLabel = "";

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const primary = openAITarget(openai, "gpt-primary");
  primaryLabel = labelOf(primary);
  const text = configText([
    {
      name: "shared",
      targets: [primary, anthropicTarget(anthropic, "claude-fallback")],
      retries: { max_attempts: 1 },
      circuit_breaker: { failure_threshold: 1, cooldown_seconds: 5, ramp_up_seconds: 0 },
    },
  ]);
  const parsed = parseConfig(text, "/virtual/shared.yaml", {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  for (let index = 0; index < 2; index++) {
    const instance = await GatewayInstance.create({ config: parsed.config, coordinator });
    workers.push({ instance, url: await instance.listen("127.0.0.1", 0) });
  }
});

afterAll(async () => {
  for (const worker of workers) await worker.instance.close();
  await coordinator.close();
  await openai?.close();
  await anthropic?.close();
});

describe("breaker state shared by the workers of a gateway", () => {
  it("opens the circuit in every worker when one finds the outage, and closes it everywhere after one probe", async () => {
    const [first, second] = workers as [(typeof workers)[0], (typeof workers)[0]];
    openai.enqueue({ kind: "json", status: 500, body: OPENAI_SHAPES.errorBody(500, "down") });

    const failedOver = await askChat(first.url, "openai", "shared");

    expect(failedOver.status).toBe(200);
    await waitUntil(
      async () => (await circuitStates(second.url, "shared"))[primaryLabel] === "open",
      "the second worker to learn that the circuit opened",
    );
    // The second worker sends nothing to the target it has never seen fail.
    const before = openai.requests.length;
    const skipped = await askChat(second.url, "openai", "shared");
    expect(skipped.target).not.toBe(primaryLabel);
    expect(openai.requests).toHaveLength(before);

    // The cool-down passes; the first worker's next request is the probe, and it succeeds.
    await sleep(5_200);
    const probe = await askChat(first.url, "openai", "shared");
    expect(probe.target).toBe(primaryLabel);

    await waitUntil(
      async () => (await circuitStates(second.url, "shared"))[primaryLabel] === "closed",
      "the second worker to learn that the probe succeeded",
    );
    const back = await askChat(second.url, "openai", "shared");
    expect(back.target).toBe(primaryLabel);
  });
});
