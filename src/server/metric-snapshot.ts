import type { Registry } from "prom-client";

/**
 * One metric as prom-client reads it from a registry (`get()`): what workers send to the primary. Plain data: the
 * primary keeps workers' reports without loading prom-client (metric-aggregation.ts adds them up when needed).
 */
export interface MetricSnapshot {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
}

/** Counters and histograms only ever grow: their totals must outlive the worker that counted them. */
export function isMonotonic(metric: { type: string }): boolean {
  return metric.type === "counter" || metric.type === "histogram";
}

/** Every metric of a registry, read now. */
export async function snapshotOf(registry: Registry): Promise<MetricSnapshot[]> {
  return (await registry.getMetricsAsJSON()) as unknown as MetricSnapshot[];
}

/**
 * The counters and histograms of a registry, read without touching its other metrics: reading a gauge may
 * reset it (the event-loop delay gauge measures "since the last read"), which a periodic report must not do.
 */
export async function monotonicSnapshotOf(registry: Registry): Promise<MetricSnapshot[]> {
  const metrics = registry.getMetricsAsArray() as unknown as {
    type: string;
    get(): Promise<MetricSnapshot>;
  }[];
  return Promise.all(metrics.filter(isMonotonic).map((metric) => metric.get()));
}
