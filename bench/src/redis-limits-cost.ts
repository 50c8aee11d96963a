import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_DIR } from "./bench-stack.js";
import { percentile } from "./stats.js";

/**
 * What limits on the Redis store add to a request, measured on the built gateway (dist/) against a real
 * redis-server on loopback (started here, on a free port, from a temporary folder): the time of one admission
 * over six limits (rpm, rph, rpd, tpm, concurrency and a daily budget) from the call to its answer, the time of
 * its settle, the Redis commands each takes (from `INFO commandstats`: one `FCALL` each, so admission is one
 * round trip), and the CPU µs per admission + settle in the gateway's process. The target: admission
 * p99 <= 300 µs on loopback. Settle runs after the answer, off the time to first byte (governor.ts), so its time
 * is shown for completeness. `npm run bench:redis-limits [-- --iterations N]`; skipped, with a message, when
 * redis-server is not installed.
 */
interface LimitStoreLike {
  admit(request: unknown): Promise<{ ok: boolean }>;
  settle(request: unknown): Promise<unknown>;
  close(): Promise<void>;
  readonly up: boolean;
}

const iterationsArgument = process.argv.indexOf("--iterations");
const ITERATIONS = iterationsArgument === -1 ? 20_000 : Number(process.argv[iterationsArgument + 1]);
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 1) throw new Error("--iterations takes a whole number");

if (spawnSync("redis-server", ["--version"]).error !== undefined) {
  process.stdout.write(
    "skipping the Redis limits bench: redis-server is not installed (Debian: apt-get install -y redis-server)\n",
  );
  process.exit(0);
}

const load = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(REPO_DIR, "dist", path)).href)) as T;
const { RedisLimitStore } = await load<{ RedisLimitStore: new (options: unknown) => LimitStoreLike }>(
  "governance/limits/redis-limit-store.js",
);
const { boundariesAround } = await load<{
  boundariesAround(period: string, tz: string, ms: number): number[];
}>("governance/limits/calendar-window.js");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether a Redis server answers PONG on the port. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function startRedis(port: number, directory: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await pings(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`redis-server did not answer on port ${port}`);
}

async function fcallCount(port: number): Promise<number> {
  const { Redis } = await import("ioredis");
  const client = new Redis(port, "127.0.0.1");
  const stats = String(await client.info("commandstats"));
  client.disconnect();
  return Number(/cmdstat_fcall:calls=(\d+)/.exec(stats)?.[1] ?? 0);
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

const directory = mkdtempSync(join(tmpdir(), "switchyard-bench-redis-"));
const port = await freePort();
const redis = await startRedis(port, directory);
const store = new RedisLimitStore({
  url: `redis://127.0.0.1:${port}/0`,
  hashTag: "sy",
  commandTimeoutMs: 1000,
  onUnavailable: { rateLimits: "local", budgets: "deny" },
});
try {
  // The store connects in the background; until then it would decide in its degraded mode.
  for (let wait = 0; wait < 400 && !store.up; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!store.up) throw new Error("the Redis limit store did not connect");
  let sequence = 0;
  const once = async (admitUs: number[] | undefined, settleUs: number[] | undefined): Promise<void> => {
    const id = `bench.${(++sequence).toString(36)}`;
    const started = process.hrtime.bigint();
    const admitted = await store.admit({ id, specs, tokens: 120, costNano: 1_000_000, leaseMs: 6000 });
    const decided = process.hrtime.bigint();
    if (!admitted.ok) throw new Error(`the bench's admission was refused: ${JSON.stringify(admitted)}`);
    await store.settle({ id, tokens: 100, costNano: 900_000 });
    const settled = process.hrtime.bigint();
    admitUs?.push(Number(decided - started) / 1000);
    settleUs?.push(Number(settled - decided) / 1000);
  };
  // Warm-up: the function library loads, the JIT compiles the path.
  for (let index = 0; index < Math.min(2000, ITERATIONS); index++) await once(undefined, undefined);
  const admitUs: number[] = [];
  const settleUs: number[] = [];
  const fcallsBefore = await fcallCount(port);
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < ITERATIONS; index++) await once(admitUs, settleUs);
  const cpu = process.cpuUsage(cpuStart);
  const fcalls = (await fcallCount(port)) - fcallsBefore;
  const row = (name: string, values: number[]) =>
    `| ${name} | ${percentile(values, 0.5).toFixed(0)} | ${percentile(values, 0.99).toFixed(0)} | ${percentile(values, 0.999).toFixed(0)} |\n`;
  process.stdout.write(
    `Redis limits, ${ITERATIONS} requests one after the other, 6 limits (rpm, rph, rpd, tpm, concurrency, a daily budget)\n\n`,
  );
  process.stdout.write("| step | p50 µs | p99 µs | p99.9 µs |\n|---|---|---|---|\n");
  process.stdout.write(row("admission (target p99 <= 300 µs)", admitUs));
  process.stdout.write(row("settle (after the answer)", settleUs));
  process.stdout.write(
    `\nRedis commands per request: ${(fcalls / ITERATIONS).toFixed(2)} FCALL (one for admission, one for settle)\n`,
  );
  process.stdout.write(
    `CPU µs in the gateway's process per admission + settle: ${((cpu.user + cpu.system) / ITERATIONS).toFixed(1)}\n`,
  );
} finally {
  await store.close();
  redis.kill("SIGTERM");
  rmSync(directory, { recursive: true, force: true });
}
