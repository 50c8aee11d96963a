import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../support/debian-tool.js";
import { type CountingUpstream, startCountingUpstream } from "./counting-upstream.js";
import {
  budgetWindow,
  eventually,
  type Fleet,
  redisTimeUs,
  reservationsOn,
  sleep,
  startFleet,
  until,
} from "./fleet.js";
import { FLEET_ENV, NANO_PER_TOKEN, route } from "./fleet-config.js";
import { chat, count, fire } from "./load.js";

/** A chat call with a gateway key: the status. */
async function chatStatus(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "keyed", messages: [{ role: "user", content: "hi" }], max_tokens: 10 }),
  });
  await response.text();
  return response.status;
}

import { costOf, startUsageCollector, type UsageCollector } from "./usage-collector.js";

const hasRedis = requireDebianTool("redis-server", "redis-server");

/** Budget windows of 2 seconds (test-only hook): a rollover every 2 s instead of every hour. */
const WINDOW_MS = 2000;
const OFFSETS_MS = [-30_000, 0, 45_000];
/** Short, for row 13's second half: with the change events blocked, the key cache's expiry is what remains. */
const KEY_CACHE_TTL_S = 2;

/** The body `chat()` sends: its bytes are the input estimate (`input: body_bytes`), plus 10 output tokens. */
const estimateTokens = (model: string): number =>
  Buffer.byteLength(JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 10 })) +
  10;

/**
 * Rows 8, 10 and the second half of 13 of "Tests that prove exactness": three processes whose clocks are off by -30 s, 0 and +45 s
 * (test-only hook) decide exactly as processes with one clock would, because Redis `TIME` is the only clock
 * of every decision (rates, budget windows, leases, the count of live processes); and budget windows roll over
 * at Redis's boundary, charging each request to the window that admitted it.
 */
describe.runIf(hasRedis)("three gateway processes with skewed clocks sharing Redis", () => {
  let fleet: Fleet;
  let upstream: CountingUpstream;
  let usage: UsageCollector;

  beforeAll(async () => {
    upstream = await startCountingUpstream();
    usage = await startUsageCollector();
    const routes = [
      ...route("burst", upstream.url, ["limits: {rpd: {limit: 300, burst: 300}}"]),
      ...route("share", upstream.url, ["limits: {rpd: {limit: 30, burst: 30}}"]),
      ...route("keyed", upstream.url, []),
      // Three estimates fit a window: a fourth waits for the next.
      ...route("rollover", upstream.url, [
        `budgets: [{amount_usd: '${(3 * estimateTokens("rollover") * NANO_PER_TOKEN) / 1e9}', period: day}]`,
      ]),
    ];
    fleet = await startFleet(
      { routes, usageUrl: usage.url, keys: true, keyCacheTtlSeconds: KEY_CACHE_TTL_S },
      OFFSETS_MS.map((offset) => ({
        ...FLEET_ENV,
        SWITCHYARD_TEST_CLOCK_OFFSET_MS: String(offset),
        SWITCHYARD_TEST_BUDGET_WINDOW_MS: String(WINDOW_MS),
      })),
    );
  }, 200_000);

  afterAll(async () => {
    await fleet?.close();
    await usage?.close();
    await upstream?.close();
  });

  it("runs with the clock offsets it was given (the hook works, so the next tests mean something)", async () => {
    for (const [index, process] of fleet.processes.entries()) {
      expect(process.output()).toContain(`SWITCHYARD_TEST_BUDGET_WINDOW_MS=${WINDOW_MS}`);
      const offset = OFFSETS_MS[index] as number;
      if (offset !== 0) expect(process.output()).toContain(`SWITCHYARD_TEST_CLOCK_OFFSET_MS=${offset}`);
    }
    // The process 45 s ahead stamps its usage records 45 s ahead.
    const nowMs = (await redisTimeUs(fleet.inspect)) / 1000;
    expect(await chat(fleet.urls[2] as string, "share")).toBe(200);
    const [record] = await usage.of("share", 1);
    const skew = Date.parse(String(record?.ts_start)) - nowMs;
    expect(skew).toBeGreaterThan(40_000);
    expect(skew).toBeLessThan(50_000);
  });

  it("admits exactly what row 1 admits: the burst plus what the rate refilled by Redis TIME", async () => {
    const startUs = await redisTimeUs(fleet.inspect);
    const statuses = await fire(fleet.urls, "burst", 600, 60);
    const endUs = await redisTimeUs(fleet.inspect);
    const intervalUs = (86_400 * 1e6) / 300;
    const expected = 300 + Math.floor((endUs - startUs) / intervalUs);
    expect(count(statuses, 200)).toBe(expected);
    expect(count(statuses, 429)).toBe(600 - expected);
  });

  it("charges a request to the window that admitted it, even when it settles after the boundary; the next window starts at 0", async () => {
    const key = "{sy}:bud:route:rollover:day";
    const nowMs = async () => Math.floor((await redisTimeUs(fleet.inspect)) / 1000);
    // Start just after a boundary of Redis's clock: the whole window is ahead.
    await until(nowMs, (ms) => ms % WINDOW_MS < 300);
    upstream.configure("rollover", { delayMs: 2500, promptTokens: 10, completionTokens: 10 });
    upstream.reset();
    const first = fleet.urls.map((url) => chat(url, "rollover"));
    await until(
      async () => upstream.requests,
      (requests) => requests >= 3,
    );
    // The window is full of the three reservations: a fourth is refused, from any process.
    expect(await chat(fleet.urls[1] as string, "rollover")).toBe(429);
    const reservations = await reservationsOn(fleet.inspect, key);
    expect(reservations).toHaveLength(3);
    const oldWindow = Number(reservations[0]?.w1);
    expect(reservations.map((record) => Number(record.w1))).toEqual([oldWindow, oldWindow, oldWindow]);
    expect(oldWindow % WINDOW_MS).toBe(0);
    // Past the boundary, the three still held in the old window: the new one starts at 0.
    const newWindow = oldWindow + WINDOW_MS;
    await until(nowMs, (ms) => ms >= newWindow);
    expect(await budgetWindow(fleet.inspect, key, newWindow)).toEqual({ used: 0, held: 0 });
    upstream.configure("rollover", { delayMs: 0, promptTokens: 10, completionTokens: 10 });
    const second = await Promise.all(fleet.urls.map((url) => chat(url, "rollover")));
    expect(second).toEqual([200, 200, 200]);
    expect(await Promise.all(first)).toEqual([200, 200, 200]);
    // The first three settled after the boundary (the upstream held them 2.5 s), into their own window.
    expect(await eventually(() => fleet.inspect.zcard("{sy}:resq"), 0)).toBe(0);
    const spent = 3 * 20 * NANO_PER_TOKEN;
    expect(await budgetWindow(fleet.inspect, key, oldWindow)).toEqual({ used: spent, held: 0 });
    const newCounters = await budgetWindow(fleet.inspect, key, newWindow);
    const laterCounters = await budgetWindow(fleet.inspect, key, newWindow + WINDOW_MS);
    // The second three were admitted in the new window (or, on a slow machine, the one after): never the old.
    expect(newCounters.used + laterCounters.used).toBe(spent);
    expect(newCounters.held + laterCounters.held).toBe(0);
    const windows = (await reservationsOn(fleet.inspect, key)).map((record) => Number(record.w1));
    expect(windows.filter((start) => start === oldWindow)).toHaveLength(3);
    expect(windows.filter((start) => start > oldWindow)).toHaveLength(3);
    // The usage log has the same six calls, at $0.02 each, and the refused one.
    const records = await usage.of("rollover", 7);
    expect(costOf(records.filter((record) => record.status === 200))).toBe(2 * spent);
    expect(records.filter((record) => record.status === 429)).toHaveLength(1);
  });

  it("revokes a key everywhere within the key cache's time to live when no change event can reach the other processes", async () => {
    const master = {
      authorization: `Bearer ${FLEET_ENV.SWITCHYARD_MASTER_KEY}`,
      "content-type": "application/json",
    };
    const created = await fetch(`${fleet.urls[0]}/admin/v1/keys`, {
      method: "POST",
      headers: master,
      body: JSON.stringify({ alias: "blocked-events" }),
    });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    const call = (url: string) => chatStatus(url, key);
    for (const url of fleet.urls) expect(await call(url)).toBe(200);
    // Block the change events: no client may subscribe any more, and the subscribed ones are cut off.
    await fleet.inspect.call("ACL", "SETUSER", "default", "-subscribe", "-psubscribe", "-ssubscribe");
    try {
      await fleet.inspect.call("CLIENT", "KILL", "TYPE", "pubsub");
      expect(
        await until(
          () => fleet.inspect.call("PUBSUB", "CHANNELS"),
          (channels) => (channels as string[]).length === 0,
        ),
      ).toEqual([]);
      const revoked = await fetch(`${fleet.urls[0]}/admin/v1/keys/${id}/revoke`, {
        method: "POST",
        headers: { authorization: master.authorization },
      });
      expect(revoked.status).toBe(200);
      // Nobody heard it: the other processes find out when their cached copy of the key expires.
      expect(await fleet.inspect.call("PUBSUB", "CHANNELS")).toEqual([]);
      for (const url of fleet.urls.slice(1))
        expect(
          await until(
            () => call(url),
            (status) => status === 401,
          ),
        ).toBe(401);
    } finally {
      await fleet.inspect.call("ACL", "SETUSER", "default", "+@all");
    }
  });

  it("counts the live processes by Redis TIME: while Redis is down, each admits exactly its third of a limit", async () => {
    // A heartbeat timed by a process clock 45 s ahead would take the others for dead (and claim the whole limit).
    for (let sample = 0; sample < 10; sample++) {
      expect(await fleet.inspect.zcard("{sy}:replicas")).toBe(3);
      await sleep(250);
    }
    await fleet.redis.stop();
    try {
      const shares = await Promise.all(fleet.urls.map((url) => fire([url], "share", 15, 3)));
      expect(shares.map((statuses) => count(statuses, 200))).toEqual([10, 10, 10]);
      expect(shares.map((statuses) => count(statuses, 429))).toEqual([5, 5, 5]);
    } finally {
      await fleet.redis.start();
    }
  });
});
