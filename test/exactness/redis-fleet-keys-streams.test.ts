import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, openAIChatStreamFrames, startOpenAIMock } from "../mock-upstream/index.js";
import { requireDebianTool } from "../support/debian-tool.js";
import { type CountingUpstream, startCountingUpstream } from "./counting-upstream.js";
import { eventually, type Fleet, startFleet, until, waitForSettled } from "./fleet.js";
import { cutRoute, FLEET_ENV, fallbackRoute, NANO_PER_TOKEN, route } from "./fleet-config.js";
import { startUsageCollector, type UsageCollector } from "./usage-collector.js";

const hasRedis = requireDebianTool("redis-server", "redis-server");
const MASTER = FLEET_ENV.SWITCHYARD_MASTER_KEY;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

async function call(
  url: string,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A stream: the caller reads `text`.
  }
  return { status: response.status, body: parsed, text };
}

const chatOn = (url: string, route: string, key?: string): Promise<Answer> =>
  call(url, "POST", "/v1/chat/completions", key, {
    model: route,
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 10,
  });

/** A key's limit counters in Redis (rate TATs, leases, budget hashes), with their values or fields. */
async function keyCounters(redis: Redis): Promise<Record<string, unknown>> {
  const names: string[] = [];
  for (const pattern of ["{sy}:rl:key:*", "{sy}:cc:key:*", "{sy}:bud:key:*"]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      names.push(...keys);
    } while (cursor !== "0");
  }
  const values: Record<string, unknown> = {};
  for (const name of names.sort()) {
    const type = await redis.type(name);
    values[name] =
      type === "hash"
        ? await redis.hgetall(name)
        : type === "zset"
          ? await redis.zrange(name, 0, -1)
          : await redis.get(name);
  }
  return values;
}

/**
 * Rows 11 to 15 of "Tests that prove exactness", on three gateway processes sharing one Redis for their limits
 * and their gateway keys: a stream cut when its budget runs out, all-or-nothing over a key and its group,
 * revocation and rotation seen by every process, and a pricier fallback refused before it is called.
 */
describe.runIf(hasRedis)("keys, streams and fallbacks across three gateway processes sharing Redis", () => {
  let fleet: Fleet;
  let upstream: CountingUpstream;
  let openai: MockUpstream;
  let usage: UsageCollector;

  beforeAll(async () => {
    upstream = await startCountingUpstream();
    openai = await startOpenAIMock();
    usage = await startUsageCollector();
    const routes = [
      ...route("hier", upstream.url, []),
      ...cutRoute(openai.url),
      ...fallbackRoute(upstream.url),
    ];
    fleet = await startFleet({ routes, usageUrl: usage.url, keys: true }, [FLEET_ENV, FLEET_ENV, FLEET_ENV]);
  }, 200_000);

  afterAll(async () => {
    await fleet?.close();
    await usage?.close();
    await openai?.close();
    await upstream?.close();
  });

  async function createKey(body: Record<string, unknown>, on = 0): Promise<{ key: string; id: string }> {
    const created = await call(fleet.urls[on] as string, "POST", "/admin/v1/keys", MASTER, body);
    expect(created.status, created.text).toBe(201);
    const key = created.body.key as string;
    return { key, id: created.body.id as string };
  }

  it("cuts a stream when its budget runs out: a dialect error event, the upstream aborted, the ledger = what streamed", async () => {
    // 8,000 words of 3 or 4 characters: a token each as the gateway meters them; the budget fits 2,000 tokens.
    const text = Array.from({ length: 8000 }, () => "tok").join(" ");
    openai.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text, includeUsage: true }),
      delayMsBetweenFrames: 2,
    });
    const answer = await call(fleet.urls[1] as string, "POST", "/v1/chat/completions", undefined, {
      model: "cut",
      messages: [{ role: "user", content: "Say many words" }],
      max_tokens: 100,
      stream: true,
    });
    expect(answer.status).toBe(200);
    const frames = answer.text
      .split("\n\n")
      .filter((frame) => frame.startsWith("data: "))
      .map((frame) => frame.slice(6));
    expect(frames).not.toContain("[DONE]");
    const last = JSON.parse(frames.at(-1) ?? "{}") as Record<string, unknown>;
    expect(last).toMatchObject({
      error: {
        code: "insufficient_quota",
        limit: { scope: "route", id: "cut", name: "day", kind: "budget" },
      },
    });
    const streamed = frames
      .slice(0, -1)
      .map((frame) => JSON.parse(frame) as { choices: { delta: { content?: string | null } }[] })
      .filter((chunk) => (chunk.choices[0]?.delta.content ?? "") !== "").length;
    expect(await openai.requests[0]?.outcome).toBe("closed early");
    // Cut near the budget: not before it was nearly spent, never later than one metering step past it.
    const [record] = await usage.of("cut", 1);
    expect(record).toMatchObject({ cut_by_budget: true, usage_source: "estimated", output_tokens: streamed });
    const input = record?.input_tokens as number;
    expect(input + streamed).toBeLessThanOrEqual(2000 + 100);
    expect(input + streamed).toBeGreaterThan(2000 - 100 - 100);
    // Redis charged exactly the tokens streamed (and the input reserved), as the usage log says.
    const spent = await waitForSettled(fleet.inspect, "{sy}:bud:route:cut:day");
    expect(spent).toEqual({ used: (input + streamed) * NANO_PER_TOKEN, held: 0 });
    expect(record?.cost_nano_usd).toBe(spent.used);
  });

  it("refuses a key whose group's budget is spent, naming the group's budget, and leaves the key's counters as they were", async () => {
    const group = await call(fleet.urls[0] as string, "POST", "/admin/v1/groups", MASTER, {
      id: "team",
      budgets: [{ amount_usd: "0.3", period: "day" }],
    });
    expect(group.status, group.text).toBe(201);
    const { key } = await createKey({
      alias: "member",
      group: "team",
      limits: { rpd: 1000 },
      budgets: [{ amount_usd: "100", period: "day" }],
    });
    let refused: Answer | undefined;
    for (let attempt = 0; attempt < 40 && refused === undefined; attempt++) {
      // Each call waits for the last one's settle: a call refused while another's reservation is still held
      // (settles land after the answer) could fit once that settles below its estimate.
      await eventually(() => fleet.inspect.zcard("{sy}:resq"), 0);
      const answer = await chatOn(fleet.urls[attempt % 3] as string, "hier", key);
      if (answer.status === 429) refused = answer;
      else expect(answer.status, answer.text).toBe(200);
    }
    expect(refused?.body).toMatchObject({ error: { limit: { scope: "group", id: "team", name: "day" } } });
    // At rest (every settle in), the key's own counters: its rate limit and its budget.
    expect(await eventually(() => fleet.inspect.zcard("{sy}:resq"), 0)).toBe(0);
    const before = await keyCounters(fleet.inspect);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(2);
    for (const url of fleet.urls) {
      const denied = await chatOn(url, "hier", key);
      expect(denied.status).toBe(429);
      expect(denied.body).toMatchObject({
        error: { limit: { scope: "group", id: "team", name: "day", kind: "budget" } },
      });
    }
    expect(await keyCounters(fleet.inspect)).toEqual(before);
  });

  it("revokes a key on one process, and the other two refuse it (the event travels; the cache lives 300 s)", async () => {
    const { key, id } = await createKey({ alias: "to-revoke" });
    for (const url of fleet.urls) expect((await chatOn(url, "hier", key)).status).toBe(200);
    const revoked = await call(fleet.urls[0] as string, "POST", `/admin/v1/keys/${id}/revoke`, MASTER);
    expect(revoked.status).toBe(200);
    for (const url of fleet.urls) {
      const status = await until(
        async () => (await chatOn(url, "hier", key)).status,
        (value) => value === 401,
      );
      expect(status).toBe(401);
    }
  });

  it("rotates a key with a grace period: both secrets work on every process until it ends, then the old one gets 401 everywhere", async () => {
    const { key: old, id } = await createKey({ alias: "to-rotate" });
    for (const url of fleet.urls) expect((await chatOn(url, "hier", old)).status).toBe(200);
    const rotated = await call(fleet.urls[1] as string, "POST", `/admin/v1/keys/${id}/rotate`, MASTER, {
      grace_seconds: 5,
    });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.key as string;
    const graceEnds = Date.now() + 5000;
    for (const url of fleet.urls) {
      // The new secret works once the change has reached the process; the old one still does.
      expect(
        await until(
          async () => (await chatOn(url, "hier", fresh)).status,
          (status) => status === 200,
        ),
      ).toBe(200);
      expect((await chatOn(url, "hier", old)).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, graceEnds - Date.now() + 200));
    for (const url of fleet.urls) {
      const refused = await chatOn(url, "hier", old);
      expect(refused.status).toBe(401);
      expect(JSON.stringify(refused.body)).toMatch(/secret does not match/);
      expect((await chatOn(url, "hier", fresh)).status).toBe(200);
    }
  });

  it("refuses a pricier fallback the budget cannot cover, without calling it", async () => {
    upstream.configure("fallback-down", { delayMs: 0, promptTokens: 10, completionTokens: 10, status: 503 });
    const refused = await chatOn(fleet.urls[2] as string, "fallback");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: {
        message: expect.stringContaining("fallback target 'openai/fallback-pricey'"),
        limit: { scope: "route", id: "fallback", name: "day", kind: "budget" },
      },
    });
    expect(upstream.byModel.get("fallback-down")).toBe(1);
    expect(upstream.byModel.get("fallback-pricey")).toBeUndefined();
    // Nothing spent, nothing held: the failed attempt cost nothing, the refused top-up reserved nothing.
    expect(await waitForSettled(fleet.inspect, "{sy}:bud:route:fallback:day")).toEqual({ used: 0, held: 0 });
    const [record] = await usage.of("fallback", 1);
    expect(record).toMatchObject({ status: 429, route: "fallback" });
  });
});
