import { describe, expect, it } from "vitest";
import { LimitLedger } from "./limit-ledger.js";
import type { BudgetSpec, ConcurrencySpec, LimitSpec, RateSpec } from "./limit-spec.js";

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const rpm = (limit: number, burst = limit, id = "chat"): RateSpec => ({
  kind: "rate",
  key: `rl:route:${id}:rpm`,
  label: { scope: "route", id, name: "rpm" },
  unit: "requests",
  limit,
  windowMs: 60_000,
  burst,
});
const tpm = (limit: number, id = "chat"): RateSpec => ({
  kind: "rate",
  key: `rl:route:${id}:tpm`,
  label: { scope: "route", id, name: "tpm" },
  unit: "tokens",
  limit,
  windowMs: 60_000,
  burst: limit,
});
const concurrency = (max: number): ConcurrencySpec => ({
  kind: "concurrency",
  key: "cc:route:chat",
  label: { scope: "route", id: "chat", name: "concurrency" },
  max,
});
const HOUR = 3_600_000;
const hourStart = T0 - (T0 % HOUR);
const budget = (
  amountNano: number,
  scope: "key" | "group" = "key",
  action: "reject" | "alert" = "reject",
): BudgetSpec => ({
  kind: "budget",
  key: `bud:${scope}:k1:hour`,
  label: { scope, id: "k1", name: "hour" },
  amountNano,
  action,
  alertAt: [0.5, 1],
  boundaries: [hourStart - HOUR, hourStart, hourStart + HOUR, hourStart + 2 * HOUR],
});

let next = 0;
function admit(ledger: LimitLedger, specs: LimitSpec[], tokens = 0, costNano = 0, leaseMs = 6000) {
  const id = `r${++next}`;
  return { id, result: ledger.admit({ id, specs, tokens, costNano, leaseMs }) };
}

describe("the embedded limits ledger", () => {
  it("admits a full burst at once, then one request per emission interval (GCRA)", () => {
    const time = clock();
    const ledger = new LimitLedger(time.now);
    const outcomes = Array.from({ length: 12 }, () => admit(ledger, [rpm(10)]).result.ok);
    expect(outcomes.filter(Boolean)).toHaveLength(10);
    const denied = admit(ledger, [rpm(10)]).result;
    expect(denied).toMatchObject({ ok: false, denied: 0, reason: "limit", retryAfterMs: 6000 });
    time.advance(5999);
    expect(admit(ledger, [rpm(10)]).result.ok).toBe(false);
    time.advance(1);
    expect(admit(ledger, [rpm(10)]).result).toMatchObject({ ok: true, states: [{ remaining: 0 }] });
  });

  it("reports the remaining requests and when the limit is whole again", () => {
    const ledger = new LimitLedger(clock().now);
    expect(admit(ledger, [rpm(60)]).result).toEqual({
      ok: true,
      states: [{ remaining: 59, resetMs: 1000 }],
      alerts: [],
    });
  });

  it("decides over every limit at once: a refusal by one writes nothing to the others", () => {
    const ledger = new LimitLedger(clock().now);
    const key = rpm(100, 100, "k1");
    const group = rpm(2, 2, "g1");
    expect(admit(ledger, [key, group]).result.ok).toBe(true);
    expect(admit(ledger, [key, group]).result.ok).toBe(true);
    const refused = admit(ledger, [key, group]).result;
    expect(refused).toMatchObject({ ok: false, denied: 1 });
    // The key-level limit was not charged by the refused request.
    expect(ledger.quota([key])).toEqual([{ remaining: 98, resetMs: 1200 }]);
  });

  it("refuses for good a request larger than a token limit's burst", () => {
    const ledger = new LimitLedger(clock().now);
    expect(admit(ledger, [tpm(1000)], 1001).result).toMatchObject({ ok: false, reason: "never" });
    expect(admit(ledger, [tpm(1000)], 1000).result.ok).toBe(true);
  });

  it("reconciles tokens after the call: refunds down to now, overage charged as debt", () => {
    const time = clock();
    const ledger = new LimitLedger(time.now);
    const first = admit(ledger, [tpm(1000)], 800);
    expect(ledger.settle({ id: first.id, tokens: 200, costNano: 0 }).status).toBe("settled");
    // 600 tokens were refunded: 800 more fit.
    const second = admit(ledger, [tpm(1000)], 800);
    expect(second.result.ok).toBe(true);
    ledger.settle({ id: second.id, tokens: 1500, costNano: 0 });
    // 200 + 1500 tokens used: 700 more than a minute holds, so one more token waits 701 intervals of 60 ms.
    const refused = admit(ledger, [tpm(1000)], 1);
    expect(refused.result).toMatchObject({ ok: false, retryAfterMs: 42_060 });
  });

  it("settles each reservation once: a repeated settle changes nothing", () => {
    const ledger = new LimitLedger(clock().now);
    const spec = budget(10_000);
    const { id } = admit(ledger, [spec], 0, 4000);
    expect(ledger.settle({ id, tokens: 0, costNano: 3000 }).status).toBe("settled");
    expect(ledger.settle({ id, tokens: 0, costNano: 3000 }).status).toBe("already");
    expect(ledger.quota([spec])).toEqual([{ remaining: 7000, resetMs: HOUR }]);
  });

  it("refuses the budget call that would cross the amount, before the call, counting what is held", () => {
    const ledger = new LimitLedger(clock().now);
    const spec = budget(10_000);
    const held = admit(ledger, [spec], 0, 6000);
    expect(held.result.ok).toBe(true);
    expect(admit(ledger, [spec], 0, 4001).result).toMatchObject({
      ok: false,
      denied: 0,
      retryAfterMs: HOUR,
      state: { remaining: 4000 },
    });
    expect(admit(ledger, [spec], 0, 4000).result.ok).toBe(true);
  });

  it("charges a request to the window that admitted it, even when settled after the boundary", () => {
    const time = clock(hourStart + HOUR - 10);
    const ledger = new LimitLedger(time.now);
    const spec = budget(10_000);
    const { id } = admit(ledger, [spec], 0, 5000);
    time.advance(20);
    ledger.settle({ id, tokens: 0, costNano: 5000 });
    expect(ledger.spend()).toEqual([[spec.key, hourStart, 5000]]);
    expect(ledger.quota([spec])).toEqual([{ remaining: 10_000, resetMs: HOUR - 10 }]);
  });

  it("asks for new boundaries when its clock has left the windows it was given", () => {
    const ledger = new LimitLedger(clock(hourStart + 3 * HOUR).now);
    expect(admit(ledger, [budget(10)]).result).toEqual({
      ok: false,
      stale: true,
      nowMs: hourStart + 3 * HOUR,
    });
  });

  it("alert budgets never refuse; each threshold is reported once per window", () => {
    const ledger = new LimitLedger(clock().now);
    const spec = budget(1000, "group", "alert");
    const settleCost = (cost: number) =>
      ledger.settle({ id: admit(ledger, [spec], 0, cost).id, tokens: 0, costNano: cost });
    expect(settleCost(400).alerts).toEqual([]);
    expect(settleCost(200).alerts).toMatchObject([{ threshold: 0.5, usedNano: 600, amountNano: 1000 }]);
    expect(settleCost(100).alerts).toEqual([]);
    expect(settleCost(5000).alerts).toMatchObject([{ threshold: 1, usedNano: 5700 }]);
    expect(settleCost(1).alerts).toEqual([]);
  });

  it("holds a lease per request in flight and frees it on settle", () => {
    const ledger = new LimitLedger(clock().now);
    const first = admit(ledger, [concurrency(2)]);
    admit(ledger, [concurrency(2)]);
    expect(admit(ledger, [concurrency(2)]).result).toMatchObject({ ok: false, retryAfterMs: 6000 });
    ledger.settle({ id: first.id, tokens: 0, costNano: 0 });
    expect(admit(ledger, [concurrency(2)]).result.ok).toBe(true);
  });

  it("lets the leases of a holder that stopped renewing expire, and finalizes its reservation as estimated", () => {
    const time = clock();
    const ledger = new LimitLedger(time.now);
    const spec = budget(10_000);
    const alive = admit(ledger, [concurrency(2), spec], 0, 1000);
    const dead = admit(ledger, [concurrency(2), spec], 0, 3000);
    time.advance(4000);
    ledger.renew([alive.id]);
    time.advance(2001);
    expect(ledger.sweep()).toEqual([{ id: dead.id, tokens: 0, costNano: 3000 }]);
    expect(admit(ledger, [concurrency(2)]).result.ok).toBe(true);
    // The estimate was committed as spend; a late settle corrects it to the real cost.
    expect(ledger.quota([spec])[0]?.remaining).toBe(10_000 - 1000 - 3000);
    expect(ledger.settle({ id: dead.id, tokens: 0, costNano: 2500 }).status).toBe("corrected");
    expect(ledger.quota([spec])[0]?.remaining).toBe(10_000 - 1000 - 2500);
  });

  it("tops up a running stream all or nothing, and says which limit is exhausted", () => {
    const ledger = new LimitLedger(clock().now);
    const spend = budget(10_000);
    const { id } = admit(ledger, [tpm(1000), spend], 100, 1000);
    expect(ledger.meter({ id, extraTokens: 100, extraCostNano: 8000 })).toEqual({ ok: true });
    expect(ledger.meter({ id, extraTokens: 10, extraCostNano: 1001 })).toEqual({
      ok: false,
      exhausted: spend.label,
    });
    // The refused top-up charged nothing: 800 tokens are still free.
    expect(ledger.quota([tpm(1000)])[0]?.remaining).toBe(800);
    ledger.settle({ id, tokens: 200, costNano: 9000 });
    expect(ledger.meter({ id, extraTokens: 1, extraCostNano: 0 })).toEqual({ ok: false, unknown: true });
  });

  it("keeps spend across a restart through spend() and restoreSpend()", () => {
    const ledger = new LimitLedger(clock().now);
    const spec = budget(10_000);
    ledger.settle({ id: admit(ledger, [spec], 0, 100).id, tokens: 0, costNano: 2500 });
    const restarted = new LimitLedger(clock().now);
    restarted.restoreSpend(ledger.spend());
    expect(restarted.quota([spec])[0]?.remaining).toBe(7500);
  });
});
