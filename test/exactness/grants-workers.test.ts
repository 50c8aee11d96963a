import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayProcess, startGatewayProcess } from "../e2e/gateway-process.js";
import { type CountingUpstream, startCountingUpstream } from "./counting-upstream.js";
import { writeFleetConfig } from "./fleet-config.js";
import { closeAgent, count, fire } from "./load.js";

let upstream: CountingUpstream;
let gateway: GatewayProcess;
beforeAll(async () => {
  upstream = await startCountingUpstream();
  const config = writeFleetConfig(upstream.url, ["kind: local"]);
  gateway = await startGatewayProcess(["--config-path", config, "--workers", "2", "--no-watch"]);
}, 60_000);
afterAll(async () => {
  await gateway?.stop("SIGKILL");
  await closeAgent();
  await upstream?.close();
});

interface StoreCounters {
  worker: number;
  ledger: number;
  calls: number;
}

/** The embedded store's counters on `/metrics` (summed over the workers by the primary). */
async function counters(): Promise<StoreCounters> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const value = (pattern: RegExp): number => Number(text.match(pattern)?.[1] ?? Number.NaN);
  return {
    worker: value(/^switchyard_limit_admissions_total\{decided="worker"\} (\d+)/m),
    ledger: value(/^switchyard_limit_admissions_total\{decided="ledger"\} (\d+)/m),
    calls: value(/^switchyard_limit_store_calls_total (\d+)/m),
  };
}

/**
 * Grants with `--workers 2` on the embedded store: far from its limits a worker admits from blocks of capacity
 * the owner process handed it (no round trip per request), and near a limit the owner decides each request,
 * taking back what workers hold unused, so the count stays exact.
 */
describe("grants of limit capacity to two workers", () => {
  it("far from the limits, N requests cost far fewer than N round trips to the owner", async () => {
    const before = await counters();
    const statuses = await fire([gateway.url], "far", 600, 8);
    expect(count(statuses, 200)).toBe(600);
    const after = await counters();
    const worker = after.worker - before.worker;
    const ledger = after.ledger - before.ledger;
    const calls = after.calls - before.calls;
    const figures = `worker ${worker}, ledger ${ledger}, messages ${calls}`;
    expect(worker + ledger, figures).toBe(600);
    // A worker asks the owner for grants about once a second (they expire), not once per request; the other
    // messages are lease renewals, a few a second whatever the traffic.
    expect(worker, figures).toBeGreaterThan(2 * ledger);
    expect(calls, figures).toBeLessThan(300);
  });

  it("driven past a large limit, admits exactly the limit, whichever worker serves each request", async () => {
    const before = await counters();
    const statuses = await fire([gateway.url], "granted", 2300, 40);
    expect(count(statuses, 200)).toBe(2000);
    expect(count(statuses, 429)).toBe(300);
    const after = await counters();
    // Grants were used on the way (or the test would not show exactness with them).
    expect(after.worker - before.worker).toBeGreaterThan(500);
  });
});
