import { median } from "./stats.js";

/** One load on one server: what it answered, and the CPU it and the load side used meanwhile. */
export interface ScalingSample {
  kind: string;
  processes: number;
  requestsPerSecond: number;
  /** The server's processes together (a cluster's primary included). */
  serverCpuUsPerRequest: number;
  /** Cores busy on average during the load: the server's, and the load side's (load generator and mock). */
  serverCores: number;
  loadCores: number;
  failed: number;
}

/**
 * The scaling table: per server and process count, the medians over rounds, and the throughput as a multiple of
 * the same server's with one process (the ratio for 1 and N workers).
 */
export function scalingTable(samples: readonly ScalingSample[]): string {
  const groups = new Map<string, ScalingSample[]>();
  for (const sample of samples) {
    const key = `${sample.kind}\u0000${sample.processes}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  const oneProcess = new Map<string, number>();
  for (const group of groups.values()) {
    const first = group[0] as ScalingSample;
    if (first.processes === 1)
      oneProcess.set(first.kind, median(group.map((sample) => sample.requestsPerSecond)));
  }
  const lines = [
    "| server | processes | req/s | x one process | server CPU µs per request | server cores busy | load side cores busy | failed |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const group of groups.values()) {
    const first = group[0] as ScalingSample;
    const rate = median(group.map((sample) => sample.requestsPerSecond));
    const base = oneProcess.get(first.kind);
    lines.push(
      `| ${first.kind} | ${first.processes} | ${rate.toFixed(0)} | ${base === undefined ? "-" : (rate / base).toFixed(2)} | ${median(group.map((sample) => sample.serverCpuUsPerRequest)).toFixed(1)} | ${median(group.map((sample) => sample.serverCores)).toFixed(2)} | ${median(group.map((sample) => sample.loadCores)).toFixed(2)} | ${group.reduce((sum, sample) => sum + sample.failed, 0)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
