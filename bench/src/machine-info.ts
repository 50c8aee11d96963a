import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, release, totalmem } from "node:os";

/** What the numbers were measured on. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  kernel: string;
  memoryGiB: number;
}

function lscpuModel(): string | undefined {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return match?.[1]?.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: lscpuModel() ?? cpus()[0]?.model ?? "unknown",
    node: process.version,
    kernel: release(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function describeMachine(machine: MachineInfo): string {
  return `${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}`;
}

/** The Switchyard source measured: its git commit, and whether src/ had uncommitted changes. */
export function sourceRevision(dir: string): string {
  try {
    const commit = execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["-C", dir, "status", "--porcelain", "--", "src"], {
      encoding: "utf8",
    });
    return dirty.trim() === "" ? commit : `${commit} + uncommitted changes in src/`;
  } catch {
    // Not a git checkout (an exported tree): say so rather than fail the run.
    return "unknown (not a git checkout)";
  }
}
