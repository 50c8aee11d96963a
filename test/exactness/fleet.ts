import { Redis } from "ioredis";
import { type GatewayProcess, startGatewayProcess } from "../e2e/gateway-process.js";
import { type RedisServer, startRedisServer } from "../support/redis-server.js";
import { type FleetOptions, writeConfig } from "./fleet-config.js";
import { closeAgent } from "./load.js";

/** Three gateway processes sharing one real Redis, and a connection of the test's own to read Redis. */
export interface Fleet {
  redis: RedisServer;
  inspect: Redis;
  processes: GatewayProcess[];
  urls: string[];
  close(): Promise<void>;
}

/**
 * Starts redis-server and three gateway processes with the same config (`--workers 1`), one after the other
 * (three starting at once on a 2-core machine can take long). `env[i]` is the i-th process's extra environment
 * (test-only hooks); every process runs with NODE_ENV=test, without which no hook is read.
 */
export async function startFleet(
  options: Omit<FleetOptions, "store"> & { appendOnly?: boolean },
  env: NodeJS.ProcessEnv[] = [{}, {}, {}],
): Promise<Fleet> {
  const redis = await startRedisServer({ appendOnly: options.appendOnly ?? false });
  const inspect = new Redis(redis.url);
  inspect.on("error", () => {});
  // A generous command time: a test machine under load must not trip the breaker (the outage tests stop Redis,
  // which fails commands at once rather than by timeout).
  const config = writeConfig({
    ...options,
    store: ["kind: redis", `url: ${redis.url}`, "command_timeout_ms: 3000"],
  });
  const processes: GatewayProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(processes.map((process) => process.stop("SIGKILL")));
    await closeAgent();
    inspect.disconnect();
    await redis.close();
  };
  try {
    for (const extra of env) {
      processes.push(
        await startGatewayProcess(
          ["--config-path", config, "--workers", "1", "--no-watch"],
          { NODE_ENV: "test", ...extra },
          60_000,
        ),
      );
    }
    // Every process counts the live ones on its own heartbeat (the divisor of its share while Redis is down).
    // Without this wait, a test that stops Redis soon after the start finds a process still counting fewer,
    // and admitting a larger share. Each process shows its count (the smallest of its workers'): wait until
    // every one has counted the whole fleet. Each registers on its first heartbeat, and counts the others on
    // a later one: up to a few periods on a busy machine, 20 s at most.
    const counted = await Promise.all(
      processes.map((process) =>
        until(
          () => metricOf(process.url, "switchyard_governance_store_processes"),
          (count) => count === processes.length,
          1000,
        ),
      ),
    );
    if (counted.some((count) => count !== processes.length))
      throw new Error(
        `the gateway processes counted ${counted.join(", ")} live processes, not ${processes.length}`,
      );
  } catch (error) {
    await close();
    throw error;
  }
  return { redis, inspect, processes, urls: processes.map((process) => process.url), close };
}

/** A metric without labels, or the first series whose labels start with `labels`, on a process's /metrics. */
export async function metricOf(url: string, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const prefix = labels === "" ? `${name} ` : `${name}{${labels}`;
  const line = text.split("\n").find((row) => row.startsWith(prefix));
  return Number(line?.split(" ").at(-1));
}

/** Redis TIME in microseconds: the only clock the limits use. */
export async function redisTimeUs(redis: Redis): Promise<number> {
  const [seconds, micros] = (await redis.time()) as [string | number, string | number];
  return Number(seconds) * 1e6 + Number(micros);
}

/** The epoch of the TATs the Redis functions keep (microseconds since 2025-01-01, redis-functions.ts). */
export const EPOCH_US = 1_735_689_600 * 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads until `done` holds (or `reads` more reads 20 ms apart, about 4 s by default): the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, reads = 200): Promise<T> {
  let value = await read();
  for (let wait = 0; wait < reads && !done(value); wait++) {
    await sleep(20);
    value = await read();
  }
  return value;
}

/** Polls `read` until it returns `expected` (settles run just after responses), for at most 2 s. */
export function eventually(read: () => Promise<number>, expected: number): Promise<number> {
  return until(read, (value) => value === expected);
}

/** One window's counters of a budget hash. */
export async function budgetWindow(
  redis: Redis,
  key: string,
  windowStart: number,
): Promise<{ used: number; held: number }> {
  const [used, held] = await redis.hmget(key, `${windowStart}:used`, `${windowStart}:held`);
  return { used: Number(used ?? 0), held: Number(held ?? 0) };
}

/** The latest window's counters of a budget hash, once nothing is held any more (or `used` reaches `target`). */
export async function waitForSettled(
  redis: Redis,
  key: string,
  target?: number,
): Promise<{ used: number; held: number }> {
  let fields = { used: 0, held: 0 };
  for (let wait = 0; wait < 200; wait++) {
    const hash = await redis.hgetall(key).catch(() => ({}) as Record<string, string>);
    const latest = Object.keys(hash)
      .filter((field) => field.endsWith(":used") || field.endsWith(":held"))
      .map((field) => Number(field.split(":")[0]))
      .sort((a, b) => b - a)[0];
    fields = { used: Number(hash[`${latest}:used`] ?? 0), held: Number(hash[`${latest}:held`] ?? 0) };
    if (fields.held === 0 && (target === undefined || fields.used >= target)) return fields;
    await sleep(50);
  }
  return fields;
}

/** The reservation records in Redis (`{sy}:res:<id>`, kept an hour after settle) whose first limit is `key`. */
export async function reservationsOn(redis: Redis, key: string): Promise<Record<string, string>[]> {
  const records: Record<string, string>[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "{sy}:res:*", "COUNT", 1000);
    cursor = next;
    for (const name of keys) {
      const record = await redis.hgetall(name);
      if (record.k1 === key) records.push(record);
    }
  } while (cursor !== "0");
  return records;
}
