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

/** Busy CPU time of the whole machine so far (all cores), in ms, from /proc/stat; undefined without /proc. */
function machineBusyMs(): number | undefined {
  try {
    const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1);
    // user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy.
    const busyTicks = fields
      .slice(0, 8)
      .reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + Number(value)), 0);
    return busyTicks * 10; // USER_HZ = 100
  } catch {
    // No /proc: nothing to measure.
    return undefined;
  }
}

/**
 * Measures how much CPU other processes (not the bench's own) used while the bench ran, in cores: the
 * machine's busy time minus the bench's processes' (given by `ownCpuMs`), over the wall time.
 */
export function startForeignCpuMeter(ownCpuMs: () => number): () => number | undefined {
  const machineStart = machineBusyMs();
  const ownStart = ownCpuMs();
  const start = performance.now();
  return () => {
    const machineEnd = machineBusyMs();
    if (machineStart === undefined || machineEnd === undefined) return undefined;
    const foreignMs = machineEnd - machineStart - (ownCpuMs() - ownStart);
    return Math.max(0, Math.round((foreignMs / (performance.now() - start)) * 100) / 100);
  };
}
