import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayProcess } from "../e2e/gateway-process.js";
import { requireDebianTool } from "../support/debian-tool.js";
import type { RedisServer } from "../support/redis-server.js";
import { type CountingUpstream, startCountingUpstream } from "./counting-upstream.js";
import {
  EPOCH_US,
  eventually,
  type Fleet,
  metricOf,
  redisTimeUs,
  sleep,
  startFleet,
  until,
  waitForSettled,
} from "./fleet.js";
import { suiteRoutes } from "./fleet-config.js";
import { chat, count, fire, processTree } from "./load.js";

const hasRedis = requireDebianTool("redis-server", "redis-server");

/**
 * The exactness suite ("Tests that prove exactness" in the design brief; docs/limits-and-budgets.md lists
 * every row and the test that proves it): three gateway processes sharing one real Redis make exactly the
 * decisions one process would make. Each test has its own route, so the processes start once; the kill test
 * runs last. Every settle of this fleet is replayed twice (test-only hook), so every row here also shows that
 * settles are idempotent; the replay test checks it counter by counter.
 */
/** `switchyard_governance_store_up{store="redis"}` on a process's /metrics. */
function storeUp(url: string): Promise<number> {
  return metricOf(url, "switchyard_governance_store_up", 'store="redis"');
}

describe.runIf(hasRedis)("limits across three gateway processes sharing Redis", () => {
  let fleet: Fleet;
  let redis: RedisServer;
  let inspect: Redis;
  let upstream: CountingUpstream;
  let processes: GatewayProcess[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    upstream = await startCountingUpstream();
    const replays = { SWITCHYARD_TEST_SETTLE_REPLAYS: "2" };
    fleet = await startFleet({ routes: suiteRoutes(upstream.url), appendOnly: true }, [
      replays,
      replays,
      replays,
    ]);
    ({ redis, inspect, processes, urls } = fleet);
  }, 200_000);

  afterAll(async () => {
    await fleet?.close();
    await upstream?.close();
  });

  it("admits exactly the burst plus what the rate refilled (from Redis TIME), however the requests are spread", async () => {
    const startUs = await redisTimeUs(inspect);
    const statuses = await fire(urls, "burst", 900, 60);
    const endUs = await redisTimeUs(inspect);
    const intervalUs = (86_400 * 1e6) / 300;
    const expected = 300 + Math.floor((endUs - startUs) / intervalUs);
    expect(count(statuses, 200)).toBe(expected);
    expect(count(statuses, 429)).toBe(900 - expected);
  });

  it("never has more requests in flight than the concurrency limit, and leaves no lease behind", async () => {
    upstream.configure("inflight", { delayMs: 15, promptTokens: 1, completionTokens: 1 });
    upstream.reset();
    const statuses = await fire(urls, "inflight", 240, 30);
    expect(count(statuses, 200)).toBeGreaterThan(0);
    expect(count(statuses, 200) + count(statuses, 429)).toBe(240);
    expect(upstream.maxInFlight).toBeLessThanOrEqual(5);
    // Settles run after the responses: the last leases go a moment later.
    expect(await eventually(() => inspect.zcard("{sy}:cc:route:inflight"), 0)).toBe(0);
  });

  it("never spends more than a budget: spend equals the sum of what was settled, nothing held at rest", async () => {
    upstream.configure("budget", { delayMs: 5, promptTokens: 10, completionTokens: 10 });
    const statuses = await fire(urls, "budget", 150, 30);
    const admitted = count(statuses, 200);
    // 20 tokens at $1000 per million: $0.02 each.
    const spentNano = admitted * 20_000_000;
    expect(admitted).toBeGreaterThan(0);
    expect(spentNano).toBeLessThanOrEqual(1_000_000_000);
    expect(count(statuses, 429)).toBe(150 - admitted);
    // Settles are off the response path: wait until none is pending.
    const fields = await waitForSettled(inspect, "{sy}:bud:route:budget:day");
    expect(fields.used).toBe(spentNano);
    expect(fields.held).toBe(0);
  });

  it("reconciles token limits with the real usage: refunds let more in than capacity / estimate, and the ledger holds exactly what was used", async () => {
    upstream.configure("reconcile", { delayMs: 2, promptTokens: 10, completionTokens: 10 });
    const body = JSON.stringify({
      model: "reconcile",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 10,
    });
    // Strict estimates: the body's bytes and the output cap.
    const estimate = Buffer.byteLength(body) + 10;
    const startUs = await redisTimeUs(inspect);
    const statuses = await fire(urls, "reconcile", 300, 6);
    const endUs = await redisTimeUs(inspect);
    expect(Math.floor(9000 / estimate)).toBeLessThan(300);
    expect(count(statuses, 200)).toBe(300);
    // The token limit's TAT, once every settle is in: it moved by exactly the tokens used (20 a call), from
    // the first admission's Redis TIME on (the debt never fell back to now, so no refill was lost).
    const intervalUs = (86_400 * 1e6) / 9000;
    const usedUs = 300 * 20 * intervalUs;
    // Every settle is in once no reservation is open (settles run just after the responses).
    expect(await eventually(() => inspect.zcard("{sy}:resq"), 0)).toBe(0);
    const settledTat = Number(await inspect.get("{sy}:rl:route:reconcile:tpd"));
    expect(settledTat).toBeGreaterThanOrEqual(startUs - EPOCH_US + usedUs);
    expect(settledTat).toBeLessThanOrEqual(endUs - EPOCH_US + usedUs);
  });

  it("charges overage as debt: a call that used more than its estimate makes the next one wait", async () => {
    upstream.configure("debt", { delayMs: 0, promptTokens: 10, completionTokens: 3000 });
    const body = JSON.stringify({
      model: "debt",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 10,
    });
    const estimate = Buffer.byteLength(body) + 10;
    const send = (url: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    const first = await send(urls[0] as string);
    expect(first.status).toBe(200);
    await first.text();
    // The settle (3,010 tokens used) lands after the answer.
    const key = "{sy}:rl:route:debt:tpd";
    const intervalUs = (86_400 * 1e6) / 1000;
    await until(
      async () => Number(await inspect.get(key)) - ((await redisTimeUs(inspect)) - EPOCH_US),
      (ahead) => ahead > 2000 * intervalUs,
    );
    const second = await send(urls[1] as string);
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({
      error: { limit: { scope: "route", id: "debt", name: "tpd" } },
    });
    // It waits until the debt (3,010 used + this call's estimate - the 1,000 burst) has been paid back.
    const waitS = ((3010 + estimate - 1000) * intervalUs) / 1e6;
    const retryAfter = Number(second.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(waitS - 60);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(waitS));
  });

  it("books each request once, however often its settle is replayed: every counter is unchanged by the replays", async () => {
    upstream.configure("replay", { delayMs: 3, promptTokens: 10, completionTokens: 10 });
    const replies = async (): Promise<Record<string, number>> => {
      const hash = await inspect.hgetall("{sy}:test:replays");
      return Object.fromEntries(Object.entries(hash).map(([status, value]) => [status, Number(value)]));
    };
    // The replays of the earlier tests' settles are over once the count stops moving.
    const settledBefore = async () => JSON.stringify(await replies());
    let before = await settledBefore();
    for (let previous = ""; previous !== before; ) {
      previous = before;
      await sleep(150);
      before = await settledBefore();
    }
    const earlier = JSON.parse(before) as Record<string, number>;
    const already = earlier.already ?? 0;
    const startUs = await redisTimeUs(inspect);
    const statuses = await fire(urls, "replay", 120, 12);
    const endUs = await redisTimeUs(inspect);
    expect(count(statuses, 200)).toBe(120);
    // Every settle was sent three times: each of the 240 replays found it done.
    await until(replies, (now) => (now.already ?? 0) - already >= 240);
    await sleep(100);
    const after = await replies();
    const moved = Object.keys(after).filter((status) => after[status] !== earlier[status]);
    expect(moved).toEqual(["already"]);
    expect((after.already ?? 0) - already).toBe(240);
    // The budget: spent exactly once per call (20 tokens at $0.02), nothing held.
    expect(await waitForSettled(inspect, "{sy}:bud:route:replay:day")).toEqual({
      used: 120 * 20_000_000,
      held: 0,
    });
    // The token limit's TAT moved by exactly the tokens used, once (a replayed refund would move it back again).
    const intervalUs = (86_400 * 1e6) / 10_000;
    const usedUs = 120 * 20 * intervalUs;
    const tat = Number(await inspect.get("{sy}:rl:route:replay:tpd"));
    expect(tat).toBeGreaterThanOrEqual(startUs - EPOCH_US + usedUs);
    expect(tat).toBeLessThanOrEqual(endUs - EPOCH_US + usedUs);
    // No lease left, and no reservation open.
    expect(await inspect.zcard("{sy}:cc:route:replay")).toBe(0);
    expect(await inspect.zcard("{sy}:resq")).toBe(0);
  });

  it("keeps deciding while Redis is down (rate limits by local share, budgets refused), and books spooled settles after", async () => {
    upstream.configure("budget", { delayMs: 200, promptTokens: 10, completionTokens: 10 });
    const before = await waitForSettled(inspect, "{sy}:bud:route:budget:day");
    // A call admitted before the outage and answered during it: its settle is spooled.
    const pending = chat(urls[0] as string, "budget");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await redis.stop();
    const during = await Promise.all([
      ...urls.map((url) => chat(url, "open", 3000)),
      ...urls.map((url) => chat(url, "budget", 3000)),
    ]);
    // Every request was answered (none hung): the open route by each process's share, budgets fail closed.
    expect(during.slice(0, 3)).toEqual([200, 200, 200]);
    expect(during.slice(3)).toEqual([503, 503, 503]);
    expect(await Promise.all(urls.map(storeUp))).toEqual([0, 0, 0]);
    // Each process admits its share of the 30 a day: 10 (it counted three processes by their heartbeats).
    const shares = await Promise.all(urls.map((url) => fire([url], "share", 15, 3)));
    expect(shares.map((statuses) => count(statuses, 200))).toEqual([10, 10, 10]);
    expect(shares.map((statuses) => count(statuses, 429))).toEqual([5, 5, 5]);
    const status = await pending;
    await redis.start();
    const after = await waitForSettled(
      inspect,
      "{sy}:bud:route:budget:day",
      before.used + (status === 200 ? 20_000_000 : 0),
    );
    expect(after.used).toBe(before.used + (status === 200 ? 20_000_000 : 0));
    // Every process decides with Redis again (each reconnects on its own back-off).
    const back = await Promise.all(
      urls.map((url) =>
        until(
          () => storeUp(url),
          (up) => up === 1,
        ),
      ),
    );
    expect(back).toEqual([1, 1, 1]);
  });

  it("expires the leases and reservations of a process killed mid-request, at their estimates", async () => {
    upstream.configure("crash", { delayMs: 60_000, promptTokens: 10, completionTokens: 10 });
    upstream.reset();
    const victim = processes[2] as GatewayProcess;
    expect(await storeUp(victim.url)).toBe(1);
    const inFlight = Array.from({ length: 20 }, () => chat(victim.url, "crash", 30_000));
    for (let wait = 0; wait < 200 && upstream.requests < 20; wait++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(upstream.requests).toBe(20);
    expect(await inspect.zcard("{sy}:cc:route:crash")).toBe(20);
    const streamBefore = await inspect.xlen("{sy}:expired").catch(() => 0);
    for (const pid of processTree(victim.child.pid as number).reverse()) process.kill(pid, "SIGKILL");
    await Promise.all(inFlight);
    // Leases live 3 x meter_every_ms (600 ms); each admission then sweeps up to 4 dead reservations.
    await new Promise((resolve) => setTimeout(resolve, 800));
    upstream.configure("crash", { delayMs: 0, promptTokens: 10, completionTokens: 10 });
    for (let call = 0; call < 8; call++) expect(await chat(urls[call % 2] as string, "crash")).toBe(200);
    expect(await eventually(() => inspect.zcard("{sy}:cc:route:crash"), 0)).toBe(0);
    expect((await inspect.xlen("{sy}:expired")) - streamBefore).toBe(20);
    const fields = await waitForSettled(inspect, "{sy}:bud:route:crash:day");
    expect(fields.held).toBe(0);
    // 8 settled calls at $0.02, and 20 finalized at their estimates (more than $0.02 each).
    expect(fields.used).toBeGreaterThan(28 * 20_000_000);
  });
});
