import type { MetricSnapshot } from "./metric-snapshot.js";

/**
 * Metrics only the primary process knows: config reloads happen there. Kept as plain data in the shape workers
 * report theirs (the one metric named outside observability/metrics.ts), so the primary loads prom-client only
 * when a scrape adds everything up (cluster-metrics.ts).
 */
export class PrimaryMetrics {
  // Both series exist from the start, so that "no reload failed" reads 0 rather than nothing.
  private readonly reloads = { applied: 0, rejected: 0 };

  countReload(result: "applied" | "rejected"): void {
    this.reloads[result]++;
  }

  snapshot(): MetricSnapshot[] {
    return [
      {
        name: "switchyard_config_reloads_total",
        help: "Config reloads attempted, by result (applied, or rejected because the file was invalid or unreadable).",
        type: "counter",
        aggregator: "sum",
        values: [
          { labels: { result: "applied" }, value: this.reloads.applied },
          { labels: { result: "rejected" }, value: this.reloads.rejected },
        ],
      },
    ];
  }
}
