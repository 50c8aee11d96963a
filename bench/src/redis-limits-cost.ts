import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Redis } from "ioredis";
import { redisBenchmarkSetP99Us, redisServerInstalled, startBenchRedis } from "./bench-redis-server.js";
import { REPO_DIR } from "./bench-stack.js";
import { percentile } from "./stats.js";

/**
 * What limits on the Redis store add to a request, measured on the built gateway (dist/) against a real
 * redis-server on loopback (started here, on a free port, from a temporary folder): the time of one admission
 * over six limits (rpm, rph, rpd, tpm, concurrency and a daily budget) from the call to its answer, the time of
 * its settle, the Redis commands each takes (from `INFO commandstats`: one `FCALL` each, so admission is one
 * round trip), the CPU µs per admission + settle in the gateway's process and in redis-server. The issue's
 * target: admission p99 <= 300 µs on loopback. Settle runs after the answer, off the time to first byte
 * (governor.ts), so its time is shown for completeness.
 *
 * The floor, measured the same way in the same window: a bare `FCALL` of a function that returns 1, on a
 * connection made like the store's (the least one round trip from Node costs), and Redis's own
 * `redis-benchmark -c 1 -t set` p99 (no Node at all).
 *
 * `npm run bench:redis-limits [-- --iterations N] [--concurrency N] [--dist DIR] [--redis-benchmark N]`:
 * `--dist` loads another build (to compare before and after in one window), `--redis-benchmark 0` skips it.
 * Profile with `node --cpu-prof bench/dist/redis-limits-cost.js`. Skipped, with a message, when redis-server
 * is not installed.
 */
interface LimitStoreLike {
  admit(request: unknown): Promise<{ ok: boolean }>;
  settle(request: unknown): Promise<unknown>;
  close(): Promise<void>;
  readonly up: boolean;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? "");
}
function wholeOption(name: string, fallback: number, least: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value < least)
    throw new Error(`--${name} takes a whole number >= ${least}`);
  return value;
}
const ITERATIONS = wholeOption("iterations", 20_000, 1);
const CONCURRENCY = wholeOption("concurrency", 1, 1);
const REDIS_BENCHMARK = wholeOption("redis-benchmark", 100_000, 0);
const distOption = option("dist", "dist");
const DIST = isAbsolute(distOption) ? distOption : join(REPO_DIR, distOption);

if (!redisServerInstalled()) {
  process.stdout.write(
    "skipping the Redis limits bench: redis-server is not installed (Debian: apt-get install -y redis-server)\n",
  );
  process.exit(0);
}

const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(DIST, path)).href)) as T;
const { RedisLimitStore } = await load<{ RedisLimitStore: new (options: unknown) => LimitStoreLike }>(
  "governance/limits/redis-limit-store.js",
);
const { createRedisConnection } = await load<{
  createRedisConnection(settings: { url: string; commandTimeoutMs: number; autoPipelining?: boolean }): Redis;
}>("governance/store/redis-connection.js");
const { boundariesAround } = await load<{
  boundariesAround(period: string, tz: string, ms: number): number[];
}>("governance/limits/calendar-window.js");

/** The FCALL count and time inside Redis, and redis-server's CPU seconds, from INFO. */
async function redisCounters(client: Redis): Promise<{ fcalls: number; fcallUs: number; cpuS: number }> {
  const info = String(await client.info("all"));
  const field = (pattern: RegExp): number => Number(pattern.exec(info)?.[1] ?? 0);
  return {
    fcalls: field(/cmdstat_fcall:calls=(\d+)/),
    fcallUs: field(/cmdstat_fcall:calls=\d+,usec=(\d+)/),
    cpuS: field(/used_cpu_sys:([\d.]+)/) + field(/used_cpu_user:([\d.]+)/),
  };
}

/** Runs `step` ITERATIONS times, CONCURRENCY at once; the CPU µs of this process per step. */
async function measure(step: () => Promise<void>): Promise<number> {
  let left = ITERATIONS;
  const cpuStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await step();
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / ITERATIONS;
}

const label = (name: string) => ({ scope: "route", id: "bench", name });
const rate = (name: string, unit: string, limit: number, windowMs: number) => ({
  kind: "rate",
  key: `rl:route:bench:${name}`,
  label: label(name),
  unit,
  limit,
  windowMs,
  burst: limit,
});
// Never reached: what is measured is the decision, not a denial.
const specs = [
  rate("rpm", "requests", 10_000_000, 60_000),
  rate("rph", "requests", 100_000_000, 3_600_000),
  rate("rpd", "requests", 1_000_000_000, 86_400_000),
  rate("tpm", "tokens", 1_000_000_000_000, 60_000),
  { kind: "concurrency", key: "cc:route:bench", label: label("concurrency"), max: 1_000_000 },
  {
    kind: "budget",
    key: "bud:route:bench:day",
    label: label("day"),
    amountNano: 1e18,
    action: "reject",
    alertAt: [],
    boundaries: boundariesAround("day", "UTC", Date.now()),
  },
];

const us = (from: bigint, to: bigint): number => Number(to - from) / 1000;
const row = (name: string, values: number[], cpu: string) =>
  `| ${name} | ${percentile(values, 0.5).toFixed(0)} | ${percentile(values, 0.99).toFixed(0)} | ${percentile(values, 0.999).toFixed(0)} | ${cpu} |\n`;

const server = await startBenchRedis();
const url = `redis://127.0.0.1:${server.port}/0`;
const store = new RedisLimitStore({
  url,
  hashTag: "sy",
  commandTimeoutMs: 1000,
  onUnavailable: { rateLimits: "local", budgets: "deny" },
});
// Made like the store's connection (a build whose connections take no such option makes its usual one).
const floor = createRedisConnection({ url, commandTimeoutMs: 1000, autoPipelining: false });
try {
  // The store connects in the background; until then it would decide in its degraded mode.
  for (let wait = 0; wait < 400 && !store.up; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!store.up) throw new Error("the Redis limit store did not connect");
  let sequence = 0;
  const admitUs: number[] = [];
  const settleUs: number[] = [];
  let recording = false;
  const once = async (): Promise<void> => {
    const id = `bench.${(++sequence).toString(36)}`;
    const started = process.hrtime.bigint();
    const admitted = await store.admit({ id, specs, tokens: 120, costNano: 1_000_000, leaseMs: 6000 });
    const decided = process.hrtime.bigint();
    if (!admitted.ok) throw new Error(`the bench's admission was refused: ${JSON.stringify(admitted)}`);
    await store.settle({ id, tokens: 100, costNano: 900_000 });
    if (!recording) return;
    admitUs.push(us(started, decided));
    settleUs.push(us(decided, process.hrtime.bigint()));
  };
  // Warm-up: the function library loads, the JIT compiles the path.
  for (let index = 0; index < Math.min(2000, ITERATIONS); index++) await once();
  const before = await redisCounters(floor);
  recording = true;
  const cpuUs = await measure(once);
  const after = await redisCounters(floor);
  const fcalls = after.fcalls - before.fcalls;

  // The floor: one FCALL of a function that does nothing, timed by the same code.
  await floor.call(
    "FUNCTION",
    "LOAD",
    "REPLACE",
    "#!lua name=bench_floor\nredis.register_function('bench_noop', function() return 1 end)",
  );
  const floorUs: number[] = [];
  const trivial = async (): Promise<void> => {
    const started = process.hrtime.bigint();
    await floor.call("FCALL", "bench_noop", "0");
    floorUs.push(us(started, process.hrtime.bigint()));
  };
  for (let index = 0; index < Math.min(2000, ITERATIONS); index++) await trivial();
  floorUs.length = 0;
  const floorCpuUs = await measure(trivial);
  const setP99 = REDIS_BENCHMARK > 0 ? redisBenchmarkSetP99Us(server.port, REDIS_BENCHMARK) : undefined;

  process.stdout.write(
    `Redis limits, ${ITERATIONS} requests, ${CONCURRENCY} at a time, 6 limits (rpm, rph, rpd, tpm, concurrency, a daily budget)${distOption === "dist" ? "" : `, build ${distOption}`}\n\n`,
  );
  process.stdout.write("| step | p50 µs | p99 µs | p99.9 µs | CPU µs in Node |\n|---|---|---|---|---|\n");
  process.stdout.write(row("admission (target p99 <= 300 µs)", admitUs, `${cpuUs.toFixed(1)} (both)`));
  process.stdout.write(row("settle (after the answer)", settleUs, ""));
  process.stdout.write(row("floor: bare FCALL of a no-op function", floorUs, floorCpuUs.toFixed(1)));
  process.stdout.write(
    `\nRedis commands per request: ${(fcalls / ITERATIONS).toFixed(2)} FCALL (one for admission, one for settle)\n`,
  );
  process.stdout.write(
    `Inside Redis per request: ${((after.fcallUs - before.fcallUs) / ITERATIONS).toFixed(1)} µs running the functions, ${(((after.cpuS - before.cpuS) * 1e6) / ITERATIONS).toFixed(1)} CPU µs in redis-server\n`,
  );
  if (setP99 !== undefined)
    process.stdout.write(`redis-benchmark -c 1 -n ${REDIS_BENCHMARK} -t set: p99 ${setP99.toFixed(0)} µs\n`);
} finally {
  await store.close();
  floor.disconnect();
  server.stop();
}
