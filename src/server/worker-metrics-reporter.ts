import type { Registry } from "prom-client";
import { type MetricSnapshot, monotonicSnapshotOf, snapshotOf } from "./metric-snapshot.js";

/** How often a worker reports its counters to the primary: at most this much counting is lost if it is killed. */
const REPORT_INTERVAL_MS = 1000;

export interface MetricsReport {
  type: "metrics-snapshot";
  metrics: MetricSnapshot[];
  /** Set when answering a scrape (the primary's `metrics-snapshot-request`). */
  requestId?: number;
}

/**
 * In a cluster worker: sends this worker's metrics to the primary, which keeps the totals (cluster-metrics.ts).
 * Counters and histograms go every second when they changed; everything goes when the primary asks (a scrape)
 * and once more when the worker shuts down.
 */
export function reportMetricsToPrimary(
  registry: Registry,
  send: (report: MetricsReport, sent?: () => void) => void,
): { answer: (requestId: number) => Promise<void>; flush: () => Promise<void> } {
  let lastSent = "";
  const report = async (): Promise<void> => {
    const metrics = await monotonicSnapshotOf(registry);
    const text = JSON.stringify(metrics);
    if (text === lastSent) return;
    lastSent = text;
    await new Promise<void>((resolve) => send({ type: "metrics-snapshot", metrics }, resolve));
  };
  setInterval(() => void report(), REPORT_INTERVAL_MS).unref();
  return {
    answer: async (requestId) => {
      send({ type: "metrics-snapshot", requestId, metrics: await snapshotOf(registry) });
    },
    flush: report,
  };
}
