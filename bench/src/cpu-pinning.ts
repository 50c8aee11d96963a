import { execFileSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";

/**
 * Which cores run what. With taskset and at least two cores, the load side (the bench runner, its latency and
 * stream clients, autocannon and the mock upstream) runs on core 0 and the server under test on the others,
 * so a server's CPU use never steals from the load it is measured with. Otherwise nothing is pinned.
 */
export interface CpuPlan {
  cores: number;
  pinned: boolean;
  /** taskset core list for the load side ("0"), or undefined when not pinned. */
  loadCores: string | undefined;
  /** taskset core list for the server under test ("1" on 2 cores, "1-7" on 8). */
  serverCores: string | undefined;
  /** Worker processes by default: the cores left once the load side has its own. */
  defaultWorkers: number;
  description: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    // No taskset (macOS, minimal containers): the bench runs unpinned and says so.
    return false;
  }
}

export function planCpus(): CpuPlan {
  const cores = availableParallelism();
  const pinned = cores >= 2 && hasTaskset();
  const serverCores = cores === 2 ? "1" : `1-${cores - 1}`;
  return {
    cores,
    pinned,
    loadCores: pinned ? "0" : undefined,
    serverCores: pinned ? serverCores : undefined,
    defaultWorkers: Math.max(1, cores - 1),
    description: pinned
      ? `taskset: load generators, clients and mock upstream on core 0; server under test on core(s) ${serverCores}`
      : "not pinned (taskset missing or a single core): load and server share the CPUs",
  };
}

/** The command line that runs `command args` on `cores` (unchanged when cores is undefined). */
export function onCores(cores: string | undefined, command: string, args: string[]): [string, string[]] {
  return cores === undefined ? [command, args] : ["taskset", ["-c", cores, command, ...args]];
}

/**
 * Every core of the machine as a taskset list ("0-1"), for a child of a pinned process that plans its own
 * pinning: a child inherits its parent's affinity, and `availableParallelism` counts only that.
 */
export function allCores(): string {
  return `0-${cpus().length - 1}`;
}

/** Pins this process, all its threads, to `cores`. */
export function pinSelf(cores: string | undefined): void {
  if (cores === undefined) return;
  execFileSync("taskset", ["-a", "-cp", cores, String(process.pid)], { stdio: "ignore" });
}
