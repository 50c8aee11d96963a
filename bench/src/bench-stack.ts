import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CpuPlan } from "./cpu-pinning.js";
import { PORTS, type ServerName } from "./scenarios.js";
import { type ServerProcess, type ServerSpec, startServer } from "./server-process.js";

/** The servers of one bench run, started on loopback with their pinning, and stopped together. */

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_DIR = join(BENCH_DIR, "..");
export const RESULTS_DIR = join(BENCH_DIR, "results");
export const CONFIG_FILE = join(BENCH_DIR, "switchyard-bench.yaml");

export interface StackOptions {
  cpu: CpuPlan;
  workers: number;
  servers: readonly ServerName[];
  /** A Switchyard checkout other than this repository (already built). */
  switchyardDir?: string | undefined;
  /** When set, Switchyard runs with `node --cpu-prof` and writes its profiles (one per process) here, and the
   * bare proxy writes its own in the `proxy` folder below. */
  profileDir?: string | undefined;
}

export interface Stack {
  running: Map<ServerName, ServerProcess>;
  /** Servers that could not start, with the reason. */
  unavailable: Map<ServerName, string>;
  stop(): Promise<void>;
}

function portkeyEntry(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve("@portkey-ai/gateway/package.json");
    const entry = join(dirname(manifest), "build", "start-server.js");
    return existsSync(entry) ? entry : undefined;
  } catch {
    // Not installed (e.g. npm ci --omit=dev): the bench runs without Portkey.
    return undefined;
  }
}

function specOf(name: ServerName, options: StackOptions): ServerSpec | string {
  const node = process.execPath;
  const dist = join(BENCH_DIR, "dist");
  const { cpu, workers } = options;
  const port = String(PORTS[name]);
  switch (name) {
    case "mock":
      return {
        name,
        command: node,
        args: [join(dist, "mock-upstream.js"), port],
        cores: cpu.loadCores,
        ready: /listening on/,
      };
    case "proxy":
      return {
        name,
        command: node,
        args: [
          // Its own folder: the run's Switchyard summary reads the profile folder's top level only.
          ...(options.profileDir === undefined
            ? []
            : ["--cpu-prof", "--cpu-prof-dir", join(options.profileDir, "proxy")]),
          join(dist, "bare-proxy.js"),
          port,
          `http://127.0.0.1:${PORTS.mock}`,
          String(workers),
        ],
        cores: cpu.serverCores,
        ready: /listening on/,
        clustered: workers > 1,
      };
    case "portkey": {
      const entry = portkeyEntry();
      if (entry === undefined) return "@portkey-ai/gateway is not installed (npm install)";
      return {
        name,
        command: node,
        // --headless: no log UI; NODE_ENV=production: no dev console routes.
        args: [entry, `--port=${port}`, "--headless"],
        cores: cpu.serverCores,
        env: { NODE_ENV: "production" },
        ready: /Ready for connections|running at/,
      };
    }
    case "switchyard":
    case "switchyard-traced":
      return {
        name,
        // Tracing is configured the OpenTelemetry way; the mock takes the exports and drops them.
        ...(name === "switchyard-traced" && {
          env: {
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${PORTS.mock}`,
            OTEL_SERVICE_NAME: "switchyard-bench",
          },
        }),
        command: node,
        args: [
          // Cluster workers inherit the primary's execArgv, so each writes its own profile when it exits.
          ...(options.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", options.profileDir]),
          ...switchyardArgs(port, workers, options.switchyardDir),
        ],
        cores: cpu.serverCores,
        ready: /Switchyard \S+ listening on/,
        clustered: true,
      };
  }
}

/** The command line (after node) of a Switchyard on the bench config, from this checkout or another built one. */
export function switchyardArgs(
  port: number | string,
  workers: number,
  switchyardDir = REPO_DIR,
  configFile = CONFIG_FILE,
): string[] {
  return [
    join(resolve(switchyardDir), "bin", "switchyard.js"),
    "start",
    "--config-path",
    configFile,
    "--port",
    String(port),
    "--workers",
    String(workers),
    "--no-watch",
  ];
}

/** Rejects when something already listens on the port (a server left over from an earlier run, say). */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error) =>
      reject(
        new Error(`port ${port} on 127.0.0.1 is taken (${error.message}); the bench needs ports 18100-18104`),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  for (const name of options.servers) await assertPortFree(PORTS[name]);
  const running = new Map<ServerName, ServerProcess>();
  const unavailable = new Map<ServerName, string>();
  // If the runner dies, its servers must not outlive it.
  const killOnExit = (): void => {
    for (const server of running.values()) {
      try {
        process.kill(server.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  };
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    // A runner that starts a stack per server (bench:profile) would otherwise pile up exit listeners.
    process.off("exit", killOnExit);
    // The mock last: the traced Switchyard flushes its last spans to it on the way out, and a flush that cannot
    // land would hold the process until it is killed (which loses its CPU profile, too).
    await Promise.all(
      [...running.values()].filter((server) => server.name !== "mock").map((server) => server.stop()),
    );
    await running.get("mock")?.stop();
  };
  const start = async (name: ServerName): Promise<void> => {
    const spec = specOf(name, options);
    if (typeof spec === "string") {
      unavailable.set(name, spec);
      return;
    }
    try {
      running.set(name, await startServer(spec, join(RESULTS_DIR, "logs")));
    } catch (error) {
      if (name === "mock" || name === "switchyard") throw error;
      unavailable.set(name, error instanceof Error ? error.message : String(error));
    }
  };
  try {
    // The mock first (the others call it), then the rest side by side.
    if (options.servers.includes("mock")) await start("mock");
    await Promise.all(options.servers.filter((name) => name !== "mock").map(start));
  } catch (error) {
    await stop();
    throw error;
  }
  return { running, unavailable, stop };
}
