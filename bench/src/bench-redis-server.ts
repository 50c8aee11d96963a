import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throw-away redis-server for a bench: a free loopback port, a temporary folder, no persistence. */
export interface BenchRedis {
  port: number;
  pid: number | undefined;
  stop(): void;
}

export function redisServerInstalled(): boolean {
  return spawnSync("redis-server", ["--version"]).error === undefined;
}

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

export async function startBenchRedis(): Promise<BenchRedis> {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-bench-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const stop = (): void => {
    child.kill("SIGTERM");
    rmSync(directory, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await pings(port)) return { port, pid: child.pid, stop };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill("SIGKILL");
  rmSync(directory, { recursive: true, force: true });
  throw new Error(`redis-server did not answer on port ${port}`);
}

/**
 * Redis's own round trip on this machine in the same window (`redis-benchmark -c 1 -t set`): the floor under
 * any client's. Undefined when redis-benchmark is not installed.
 */
export function redisBenchmarkSetP99Us(port: number, requests: number): number | undefined {
  const run = spawnSync(
    "redis-benchmark",
    [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-c",
      "1",
      "-n",
      String(requests),
      "-t",
      "set",
      "--csv",
      "--precision",
      "3",
    ],
    { encoding: "utf8" },
  );
  if (run.error !== undefined || run.status !== 0) return undefined;
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = run.stdout.split("\n").find((line) => line.startsWith('"SET"'));
  const p99 = row?.split(",")[6]?.replaceAll('"', "");
  return p99 === undefined ? undefined : Number(p99) * 1000;
}
