import { AggregatorRegistry } from "prom-client";
import type { MetricSnapshot } from "./metric-snapshot.js";

// prom-client's cluster aggregation, apart from metric-snapshot.ts: the primary imports this module on the first
// scrape or the first worker's exit, so a primary nobody scrapes never loads prom-client.

/**
 * Adds snapshots up, series by series (prom-client's own cluster aggregation: sums, or the metric's declared
 * aggregator such as max). Synchronous, so a caller can swap its totals without a window where they are missing.
 */
export function sumSnapshots(snapshots: readonly MetricSnapshot[][]): MetricSnapshot[] {
  const registry = AggregatorRegistry.aggregate(snapshots as MetricSnapshot[][]);
  return (registry.getMetricsAsArray() as unknown as MetricSnapshot[]).map(
    ({ name, help, type, aggregator, values }) => ({ name, help, type, aggregator, values }),
  );
}

/** Prometheus text of the sum of snapshots. */
export function renderSnapshots(snapshots: readonly MetricSnapshot[][]): Promise<string> {
  return AggregatorRegistry.aggregate(snapshots as MetricSnapshot[][]).metrics();
}
