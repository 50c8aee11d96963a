import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { onCores } from "./cpu-pinning.js";
import { childPids } from "./proc-stats.js";

/** A server the bench started, with its log file and the pids that serve (workers, or itself). */
export interface ServerProcess {
  name: string;
  pid: number;
  logFile: string;
  /** performance.now() when it was spawned. */
  startedAt: number;
  /** The serving processes: a cluster primary's workers, else the process itself. */
  servingPids(): number[];
  /** A cluster primary that does not serve itself (Switchyard's), else undefined. */
  primaryPid: number | undefined;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  cores: string | undefined;
  env?: Record<string, string>;
  /** Its working directory (where `node --perf-prof` writes its JIT dumps); the bench's own by default. */
  cwd?: string;
  /** Printed (stdout or stderr) once the server accepts requests. */
  ready: RegExp;
  /** Whether the process is a cluster primary whose children serve. */
  clustered?: boolean;
  startTimeoutMs?: number;
}

/** Starts a server pinned to its cores, its output going to <logDir>/<name>.log, and waits until it is ready. */
export async function startServer(spec: ServerSpec, logDir: string): Promise<ServerProcess> {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${spec.name}.log`);
  const log = createWriteStream(logFile);
  const [command, args] = onCores(spec.cores, spec.command, spec.args);
  const startedAt = performance.now();
  const child = spawn(command, args, {
    env: { ...process.env, ...spec.env },
    cwd: spec.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  await waitForReady(child, spec);
  const pid = child.pid as number;
  return {
    name: spec.name,
    pid,
    logFile,
    startedAt,
    servingPids: () => {
      if (!spec.clustered) return [pid];
      const workers = childPids(pid);
      return workers.length > 0 ? workers : [pid];
    },
    primaryPid: spec.clustered ? pid : undefined,
    stop: () => stopChild(child),
  };
}

function waitForReady(child: ChildProcess, spec: ServerSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timeoutMs = spec.startTimeoutMs ?? 30_000;
    const fail = (message: string): void => {
      cleanup();
      child.kill("SIGKILL");
      reject(new Error(`${spec.name}: ${message}; last output: ${output.slice(-600).trim()}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (spec.ready.test(output)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => fail(`exited with code ${code} before it was ready`);
    const onError = (error: Error): void => fail(error.message);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

/** SIGTERM, then SIGKILL after 5 s; a cluster primary stops its own workers on SIGTERM. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
