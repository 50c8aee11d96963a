import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../../../test/support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../../../test/support/redis-server.js";
import type { BudgetSpec, ConcurrencySpec, RateSpec } from "./limit-spec.js";
import { RedisLimitStore } from "./redis-limit-store.js";

const hasRedis = requireDebianTool("redis-server", "redis-server");

let counter = 0;
const unique = () => `t${++counter}-${Date.now()}`;

function rate(limit: number, unit: "requests" | "tokens" = "requests", id = unique()): RateSpec {
  return {
    kind: "rate",
    key: `rl:route:${id}:rpm`,
    label: { scope: "route", id, name: unit === "requests" ? "rpm" : "tpm" },
    unit,
    limit,
    windowMs: 60_000,
    burst: limit,
  };
}
function concurrency(max: number, id = unique()): ConcurrencySpec {
  return {
    kind: "concurrency",
    key: `cc:route:${id}`,
    label: { scope: "route", id, name: "concurrency" },
    max,
  };
}
function budget(amountNano: number, id = unique(), nowMs = Date.now()): BudgetSpec {
  const day = 86_400_000;
  const start = nowMs - (nowMs % day);
  return {
    kind: "budget",
    key: `bud:key:${id}:day`,
    label: { scope: "key", id, name: "day" },
    amountNano,
    action: "reject",
    alertAt: [1],
    boundaries: [start - day, start, start + day, start + 2 * day],
  };
}

describe.runIf(hasRedis)("the Redis limit store, against a real redis-server", () => {
  let redis: RedisServer;
  let store: RedisLimitStore;
  let inspect: Redis;
  beforeAll(async () => {
    // With AOF, so that the data outlives the outage test's restart.
    redis = await startRedisServer({ appendOnly: true });
    store = new RedisLimitStore({
      url: redis.url,
      hashTag: "sy",
      commandTimeoutMs: 500,
      onUnavailable: { rateLimits: "local", budgets: "deny" },
    });
    inspect = new Redis(redis.url);
    // Its reconnection attempts during the outage test are expected.
    inspect.on("error", () => {});
    for (let wait = 0; wait < 100 && !store.up; wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
  });
  afterAll(async () => {
    inspect.disconnect();
    await store.close();
    await redis.close();
  });
  const admit = (
    specs: (RateSpec | ConcurrencySpec | BudgetSpec)[],
    tokens = 0,
    costNano = 0,
    leaseMs = 6000,
  ) => {
    const id = unique();
    return store.admit({ id, specs, tokens, costNano, leaseMs }).then((result) => ({ id, result }));
  };

  it("admits a burst exactly, in one function call per decision, and names the limit that refuses", async () => {
    const spec = rate(5);
    const results = await Promise.all(Array.from({ length: 8 }, () => admit([spec])));
    expect(results.filter(({ result }) => result.ok)).toHaveLength(5);
    expect(results.find(({ result }) => !result.ok)?.result).toMatchObject({
      ok: false,
      denied: 0,
      reason: "limit",
    });
    expect(await inspect.call("FUNCTION", "LIST", "LIBRARYNAME", "switchyard_limits_v1")).toHaveLength(1);
  });

  it("writes nothing when one of the limits refuses", async () => {
    const loose = rate(100);
    const tight = rate(1);
    expect((await admit([loose, tight])).result.ok).toBe(true);
    expect((await admit([loose, tight])).result).toMatchObject({ ok: false, denied: 1 });
    expect((await store.quota([loose]))[0]?.remaining).toBe(99);
  });

  it("holds budget until settle, books the real cost once, and ignores a repeated settle", async () => {
    const spec = budget(10_000);
    const { id } = await admit([spec], 0, 6000);
    expect((await admit([spec], 0, 4001)).result).toMatchObject({ ok: false, state: { remaining: 4000 } });
    expect((await store.settle({ id, tokens: 0, costNano: 2500 })).status).toBe("settled");
    expect((await store.settle({ id, tokens: 0, costNano: 2500 })).status).toBe("already");
    expect((await store.quota([spec]))[0]?.remaining).toBe(7500);
    const start = String(spec.boundaries[1]);
    expect(await inspect.hmget(`{sy}:${spec.key}`, `${start}:used`, `${start}:held`)).toEqual(["2500", "0"]);
  });

  it("reports each alert threshold of a budget once per window, with the spend that crossed it", async () => {
    const spec = { ...budget(10_000), alertAt: [0.5, 0.8] };
    const spend = async (costNano: number) => {
      const { id } = await admit([spec], 0, costNano);
      return store.settle({ id, tokens: 0, costNano });
    };
    expect((await spend(4000)).alerts).toEqual([]);
    expect((await spend(2000)).alerts).toEqual([
      expect.objectContaining({ label: spec.label, threshold: 0.5, usedNano: 6000, amountNano: 10_000 }),
    ]);
    expect((await spend(1000)).alerts).toEqual([]);
    expect((await spend(1500)).alerts).toEqual([expect.objectContaining({ threshold: 0.8, usedNano: 8500 })]);
    expect((await spend(1000)).alerts).toEqual([]);
  });

  it("refunds unused tokens and charges overage, never below now", async () => {
    // Per day, so that what refills between the calls (on a busy machine, a tenth of a second) stays below one token.
    const spec = { ...rate(1000, "tokens"), windowMs: 86_400_000 };
    const { id } = await admit([spec], 800);
    await store.settle({ id, tokens: 100, costNano: 0 });
    expect((await store.quota([spec]))[0]?.remaining).toBe(900);
    const second = await admit([spec], 900);
    await store.settle({ id: second.id, tokens: 1900, costNano: 0 });
    expect((await admit([spec], 1)).result).toMatchObject({ ok: false, reason: "limit" });
  });

  it("keeps a lease per request in flight, released on settle and expired when not renewed", async () => {
    const spec = concurrency(2);
    const first = await admit([spec], 0, 0, 300);
    await admit([spec], 0, 0, 300);
    expect((await admit([spec], 0, 0, 300)).result.ok).toBe(false);
    await store.settle({ id: first.id, tokens: 0, costNano: 0 });
    expect((await admit([spec], 0, 0, 300)).result.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await admit([spec], 0, 0, 300)).result.ok).toBe(true);
    expect((await admit([spec], 0, 0, 300)).result.ok).toBe(true);
  });

  it("finalizes a reservation its holder stopped renewing at its estimate, and a late settle corrects it", async () => {
    const spec = budget(10_000);
    const { id } = await admit([spec], 0, 3000, 100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The next admission sweeps the expired reservation: its estimate becomes spend.
    await admit([rate(10)], 0, 0);
    expect((await store.quota([spec]))[0]?.remaining).toBe(7000);
    expect(await inspect.xlen("{sy}:expired")).toBeGreaterThan(0);
    expect((await store.settle({ id, tokens: 0, costNano: 1000 })).status).toBe("corrected");
    expect((await store.quota([spec]))[0]?.remaining).toBe(9000);
  });

  it("tops up a running reservation all or nothing", async () => {
    const tokens = rate(1000, "tokens");
    const money = budget(10_000);
    const { id } = await admit([tokens, money], 100, 1000);
    expect(await store.meter({ id, extraTokens: 100, extraCostNano: 8000 })).toEqual({ ok: true });
    expect(await store.meter({ id, extraTokens: 10, extraCostNano: 1001 })).toEqual({
      ok: false,
      exhausted: money.label,
    });
    expect((await store.quota([tokens]))[0]?.remaining).toBe(800);
  });

  it("asks for new budget windows when Redis's clock is outside those given", async () => {
    const spec = budget(100, unique(), Date.now() + 10 * 86_400_000);
    expect((await admit([spec])).result).toMatchObject({ ok: false, stale: true });
  });

  it("decides in the degraded mode when Redis stops answering, and in Redis again once it answers", async () => {
    const limited = rate(1000);
    expect((await admit([limited])).result).toMatchObject({ ok: true });
    // Frozen, not gone: the connection stays open and nothing answers, so only each call's deadline (one shared
    // timer, not one per call) can end the wait.
    process.kill(redis.pid, "SIGSTOP");
    let frozen: Awaited<ReturnType<typeof admit>>[];
    try {
      frozen = await Promise.all(Array.from({ length: 3 }, () => admit([limited])));
    } finally {
      process.kill(redis.pid, "SIGCONT");
    }
    for (const { result } of frozen) expect(result).toMatchObject({ ok: true, degraded: "local" });
    let back: Awaited<ReturnType<typeof admit>>["result"] | undefined;
    for (let wait = 0; wait < 100; wait++) {
      back = (await admit([limited])).result;
      if (back.ok && back.degraded === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(back).toMatchObject({ ok: true });
    expect(back).not.toHaveProperty("degraded");
  });

  it("while Redis is down: answers at once, rate limits by this process's share, budgets refused; settles replayed after", async () => {
    const limited = rate(4);
    const money = budget(10_000);
    const { id } = await admit([money], 0, 5000);
    await redis.stop();
    const started = performance.now();
    const outcomes = [];
    for (let call = 0; call < 6; call++) outcomes.push((await admit([limited])).result);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(4);
    expect(outcomes[0]).toMatchObject({ ok: true, degraded: "local" });
    await expect(admit([money], 0, 1)).rejects.toThrow(/budgets fail closed/);
    // The settle of a call admitted before the outage is kept and replayed once Redis is back.
    await store.settle({ id, tokens: 0, costNano: 4000 });
    await redis.start();
    for (let wait = 0; wait < 200; wait++) {
      const remaining = await store.quota([money]).then(
        (states) => states[0]?.remaining,
        () => undefined,
      );
      if (remaining === 6000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await store.quota([money]))[0]?.remaining).toBe(6000);
  });
});
