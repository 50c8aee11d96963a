import { readdirSync, readFileSync } from "node:fs";

/**
 * What Linux says about a process, from /proc: its children (cluster workers of a primary), resident memory
 * (VmRSS) and CPU time. Everything returns undefined or nothing where /proc is missing (macOS).
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every mainstream Linux build

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    // The process is gone or /proc is missing: the caller treats it as no data.
    return undefined;
  }
}

/** Pids whose parent is `pid` (a cluster primary's workers), found by scanning /proc/<pid>/stat. */
export function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    // No /proc: no children can be found.
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    // Field 2 after the command name is the parent pid (man 5 proc).
    if (statFields(Number(entry))?.[1] === String(pid)) children.push(Number(entry));
  }
  return children.sort((a, b) => a - b);
}

/** VmRSS in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    // Gone or no /proc.
    return undefined;
  }
}

/** User + system CPU time in milliseconds (10 ms resolution), from /proc/<pid>/stat. */
export function cpuTimeMs(pid: number): number | undefined {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
