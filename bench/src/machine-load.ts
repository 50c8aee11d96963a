import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

/**
 * How busy the machine is besides the bench: the load average and Linux's CPU pressure (PSI, the share of
 * time some runnable task waited for a CPU). Numbers taken while other work runs are noisy; the bench records
 * both, warns, and can wait for a quiet moment first.
 */
export interface MachineLoad {
  loadAverage1m: number;
  /** /proc/pressure/cpu "some avg10", in percent; undefined without PSI. */
  cpuPressure10sPercent: number | undefined;
}

export function readMachineLoad(): MachineLoad {
  let cpuPressure10sPercent: number | undefined;
  try {
    const match = /^some avg10=([\d.]+)/m.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    if (match) cpuPressure10sPercent = Number(match[1]);
  } catch {
    // No PSI (older kernels, macOS): the load average alone is reported.
  }
  return { loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100, cpuPressure10sPercent };
}

export function describeLoad(load: MachineLoad): string {
  const pressure =
    load.cpuPressure10sPercent === undefined ? "" : `, CPU pressure ${load.cpuPressure10sPercent}%`;
  return `load average ${load.loadAverage1m}${pressure}`;
}

/** Quiet: CPU pressure under 10% (or, without PSI, a load average under 0.5). */
function isQuiet(load: MachineLoad): boolean {
  return load.cpuPressure10sPercent === undefined
    ? load.loadAverage1m < 0.5
    : load.cpuPressure10sPercent < 10;
}

/** Waits up to `maxWaitS` seconds for a quiet machine; returns the load it starts with. */
export async function waitForQuiet(
  maxWaitS: number,
  report: (message: string) => void,
): Promise<MachineLoad> {
  const deadline = Date.now() + maxWaitS * 1000;
  let load = readMachineLoad();
  while (!isQuiet(load) && Date.now() < deadline) {
    report(`waiting for a quiet machine (${describeLoad(load)})`);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    load = readMachineLoad();
  }
  if (!isQuiet(load))
    report(`warning: the machine is busy (${describeLoad(load)}): the numbers will be noisy`);
  return load;
}
