import type { Metric, Registry } from "prom-client";

/**
 * Counters, gauges and histograms for the request path. prom-client validates and hashes the labels on every
 * observation, even through a label-bound child; with several observations per request that measured 10-20% of
 * the gateway's CPU per request. These keep one plain series object per label combination (looked up once per
 * request by a joined key) and hand prom-client the values only when /metrics is read, through the same
 * `get()` contract its own metrics implement, so formatting and cluster aggregation stay prom-client's.
 * Label combinations are bounded: labels carry only config names and the gateway's own values.
 */
abstract class HotMetric<Series> {
  private readonly series = new Map<string, { labels: Record<string, string>; data: Series }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
    readonly type: "counter" | "gauge" | "histogram",
    readonly aggregator: "sum" | "max" = "sum",
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  protected seriesFor(values: readonly string[]): Series {
    const key = values.join("\u0001");
    let entry = this.series.get(key);
    if (entry === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, index) => {
        labels[name] = values[index] ?? "";
      });
      entry = { labels, data: this.createSeries() };
      this.series.set(key, entry);
    }
    return entry.data;
  }

  protected abstract createSeries(): Series;
  protected abstract exportSeries(labels: Record<string, string>, series: Series): MetricValue[];

  /** prom-client's metric contract: called when the registry is read. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: MetricValue[];
    aggregator: string;
  }> {
    const values: MetricValue[] = [];
    for (const { labels, data } of this.series.values()) values.push(...this.exportSeries(labels, data));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

export interface CounterSeries {
  value: number;
}

/** One number per label combination: what a counter and a gauge share (they differ in type only). */
abstract class HotValueMetric extends HotMetric<CounterSeries> {
  labels(...values: string[]): CounterSeries {
    return this.seriesFor(values);
  }

  protected createSeries(): CounterSeries {
    return { value: 0 };
  }

  protected exportSeries(labels: Record<string, string>, series: CounterSeries): MetricValue[] {
    return [{ labels, value: series.value }];
  }
}

export class HotCounter extends HotValueMetric {
  constructor(name: string, help: string, labelNames: readonly string[], registry: Registry) {
    super(name, help, labelNames, registry, "counter");
  }
}

export class HotGauge extends HotValueMetric {
  constructor(name: string, help: string, labelNames: readonly string[], registry: Registry) {
    super(name, help, labelNames, registry, "gauge");
  }
}

export class HistogramSeries {
  sum = 0;
  count = 0;
  /** Observations per bucket (not cumulative), the last one for values above every bound. */
  readonly buckets: number[];

  constructor(private readonly upperBounds: readonly number[]) {
    this.buckets = new Array(upperBounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.upperBounds.length && value > (this.upperBounds[index] as number)) index++;
    this.buckets[index] = (this.buckets[index] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

export class HotHistogram extends HotMetric<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    registry: Registry,
    private readonly upperBounds: readonly number[],
  ) {
    super(name, help, labelNames, registry, "histogram");
  }

  labels(...values: string[]): HistogramSeries {
    return this.seriesFor(values);
  }

  protected createSeries(): HistogramSeries {
    return new HistogramSeries(this.upperBounds);
  }

  protected exportSeries(labels: Record<string, string>, series: HistogramSeries): MetricValue[] {
    const values: MetricValue[] = [];
    let cumulative = 0;
    this.upperBounds.forEach((bound, index) => {
      cumulative += series.buckets[index] as number;
      values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
    });
    values.push({
      labels: { le: "+Inf", ...labels },
      value: series.count,
      metricName: `${this.name}_bucket`,
    });
    values.push({ labels, value: series.sum, metricName: `${this.name}_sum` });
    values.push({ labels, value: series.count, metricName: `${this.name}_count` });
    return values;
  }
}
