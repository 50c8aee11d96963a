import type { ScenarioSummary } from "./aggregate.js";

/** The targets of issue 5 for Switchyard, checked against one run's summaries. */

export interface TargetCheck {
  scenario: string;
  target: string;
  value: number;
  unit: string;
  met: boolean;
}

export function checkTargets(
  summaries: readonly ScenarioSummary[],
  concurrentStreams: number,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const summary of summaries.filter((item) => item.server === "switchyard")) {
    const add = (target: string, value: number, unit: string, met: (value: number) => boolean) =>
      checks.push({ scenario: summary.id, target, value, unit, met: Number.isFinite(value) && met(value) });
    add(
      "added latency p50 <= 0.2 ms (1 connection)",
      summary.latency.addedP50Ms,
      "ms",
      (value) => value <= 0.2,
    );
    add("added latency p99 <= 1 ms (1 connection)", summary.latency.addedP99Ms, "ms", (value) => value <= 1);
    for (const [connections, throughput] of Object.entries(summary.throughput)) {
      add(
        `throughput >= 8x Portkey (${connections} connections)`,
        throughput.vsPortkey,
        "x",
        (value) => value >= 8,
      );
      add(
        `throughput >= 0.6x bare proxy (${connections} connections)`,
        throughput.vsProxy,
        "x",
        (value) => value >= 0.6,
      );
    }
    const streaming = summary.streaming;
    if (streaming !== undefined) {
      add("added time to first token p99 <= 1 ms", streaming.addedTtftP99Ms, "ms", (value) => value <= 1);
      const concurrent = streaming.concurrent;
      if (concurrent !== undefined) {
        add(
          `${concurrentStreams} concurrent streams without a stall (streams ok, worst round)`,
          concurrent.ok,
          "streams",
          (value) => value === concurrentStreams,
        );
      }
    }
  }
  return checks;
}
