import { describe, expect, it } from "vitest";
import { type ScalingSample, scalingTable } from "../../bench/src/scaling-report.js";

function sample(kind: string, processes: number, requestsPerSecond: number, failed = 0): ScalingSample {
  return {
    kind,
    processes,
    requestsPerSecond,
    serverCpuUsPerRequest: 1e6 / requestsPerSecond,
    serverCores: processes * 0.9,
    loadCores: 0.5,
    failed,
  };
}

describe("the scaling table", () => {
  it("gives each server's median throughput as a multiple of its own with one process", () => {
    const table = scalingTable([
      sample("switchyard", 1, 4000),
      sample("switchyard", 2, 7000),
      sample("switchyard", 1, 3000),
      sample("switchyard", 2, 5000, 3),
      sample("switchyard", 1, 5000),
      sample("switchyard", 2, 6000),
      sample("bare proxy", 1, 8000),
      sample("bare proxy", 2, 12000),
    ]);
    const rows = table.trim().split("\n").slice(2);
    // Medians 4,000 and 6,000: 1.50x; the failures of every round are summed.
    expect(rows).toEqual([
      "| switchyard | 1 | 4000 | 1.00 | 250.0 | 0.90 | 0.50 | 0 |",
      "| switchyard | 2 | 6000 | 1.50 | 166.7 | 1.80 | 0.50 | 3 |",
      "| bare proxy | 1 | 8000 | 1.00 | 125.0 | 0.90 | 0.50 | 0 |",
      "| bare proxy | 2 | 12000 | 1.50 | 83.3 | 1.80 | 0.50 | 0 |",
    ]);
  });

  it("has no ratio for a server measured only with several processes", () => {
    const rows = scalingTable([sample("switchyard", 2, 6000)])
      .trim()
      .split("\n")
      .slice(2);
    expect(rows).toEqual(["| switchyard | 2 | 6000 | - | 166.7 | 1.80 | 0.50 | 0 |"]);
  });
});
