import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConfigDirectory } from "../e2e/config-files.js";
import { type GatewayProcess, startGatewayProcess } from "../e2e/gateway-process.js";
import { type MockUpstream, startAnthropicMock, startOpenAIMock } from "../mock-upstream/index.js";
import { anthropicTarget, configText, labelOf, openAITarget } from "./resilience-config.js";
import { OPENAI_SHAPES } from "./upstream-faults.js";

/**
 * A primary that goes down and comes back, behind a real gateway process with two workers (`--workers 2`):
 * breaker state is shared by the workers, so the outage one worker finds stops both from sending to the
 * primary, one probe at a time tests it for both, a failed probe schedules the next one after
 * `probe_interval_seconds` (not a whole cool-down) in both, and the probe that finds it back returns it to
 * both: the recovered primary serves again within the cool-down, whichever worker a request reaches.
 * Each request is on a connection of its own, so the cluster hands successive requests to alternate workers.
 */

const COOLDOWN_SECONDS = 3;
const PROBE_INTERVAL_SECONDS = 1;

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayProcess;
let primary = "";
let fallback = "";

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const primaryTarget = openAITarget(openai, "gpt-primary");
  const fallbackTarget = anthropicTarget(anthropic, "claude-fallback");
  primary = labelOf(primaryTarget);
  fallback = labelOf(fallbackTarget);
  const config = join(createConfigDirectory(), "switchyard.yaml");
  writeFileSync(
    config,
    configText([
      {
        name: "flap",
        targets: [primaryTarget, fallbackTarget],
        retries: { max_attempts: 1 },
        circuit_breaker: {
          failure_threshold: 1,
          cooldown_seconds: COOLDOWN_SECONDS,
          probe_interval_seconds: PROBE_INTERVAL_SECONDS,
          ramp_up_seconds: 0,
        },
      },
    ]),
  );
  gateway = await startGatewayProcess(["--config-path", config, "--workers", "2", "--no-watch"]);
});

afterAll(async () => {
  await gateway?.stop();
  await openai?.close();
  await anthropic?.close();
});

/** One chat request on a new connection; which target served it. */
function ask(): Promise<{ status: number; target: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${gateway.url}/v1/chat/completions`,
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            target: response.headers["x-switchyard-target"] as string | undefined,
          }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(JSON.stringify({ model: "flap", messages: [{ role: "user", content: "hi" }] }));
  });
}

/** Several requests in turn; the targets that served them. */
async function askSeveral(count: number): Promise<(string | undefined)[]> {
  const targets: (string | undefined)[] = [];
  for (let index = 0; index < count; index++) {
    const answer = await ask();
    expect(answer.status).toBe(200);
    targets.push(answer.target);
    // Room for the workers' news to cross the primary process before the next request (a few milliseconds).
    await sleep(50);
  }
  return targets;
}

describe("a flapping primary behind two workers", () => {
  it("is left by both workers when one finds it down, and used by both again within the cool-down once back", async () => {
    const down = { kind: "json" as const, status: 503, body: OPENAI_SHAPES.errorBody(503, "down") };
    openai.enqueue(...Array.from({ length: 20 }, () => down));

    // The outage: the first request finds it and falls back; no worker asks the primary again.
    expect(await askSeveral(6)).toEqual(Array(6).fill(fallback));
    expect(openai.requests).toHaveLength(1);

    // After the cool-down, one probe (whichever worker sends it) finds it still down; the other worker sends
    // none of its own, and the next probe is scheduled for both.
    await sleep(COOLDOWN_SECONDS * 1000 + 300);
    expect(await askSeveral(4)).toEqual(Array(4).fill(fallback));
    expect(openai.requests).toHaveLength(2);

    // The primary is back. A probe interval later (well within a cool-down), the next probe finds it, and
    // both workers send it their requests again.
    openai.reset();
    await sleep(PROBE_INTERVAL_SECONDS * 1000 + 300);
    expect(await askSeveral(6)).toEqual(Array(6).fill(primary));
    expect(openai.requests).toHaveLength(6);
    expect(gateway.output()).toMatch(/probe succeeded/);
  });
});
