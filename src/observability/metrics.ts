import { monitorEventLoopDelay } from "node:perf_hooks";
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from "prom-client";
import { LabelCache } from "./label-cache.js";

/**
 * Every metric the gateway exports, defined in this one file. Labels carry only bounded values from the config
 * (route names, provider names, configured model names) or the gateway itself (statuses, API names): never
 * user input, never a secret.
 */
const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];
const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

export class GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"api" | "route" | "provider" | "status">;
  readonly requestDuration: Histogram<"api" | "route" | "provider">;
  readonly upstreamDuration: Histogram<"route" | "provider">;
  readonly gatewayOverhead: Histogram<"api" | "route">;
  readonly timeToFirstToken: Histogram<"route" | "provider">;
  readonly tokens: Counter<"route" | "model" | "direction">;
  readonly inFlight: Gauge<"route">;
  /** Children by label values, in the order of each metric's label names (see LabelCache). */
  readonly cached: {
    requests: LabelCache<Counter.Internal>;
    requestDuration: LabelCache<Histogram.Internal<"api" | "route" | "provider">>;
    upstreamDuration: LabelCache<Histogram.Internal<"route" | "provider">>;
    gatewayOverhead: LabelCache<Histogram.Internal<"api" | "route">>;
    timeToFirstToken: LabelCache<Histogram.Internal<"route" | "provider">>;
    tokens: LabelCache<Counter.Internal>;
    inFlight: LabelCache<Gauge.Internal<"route">>;
  };

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({
      name: "switchyard_requests_total",
      help: "API requests answered, by API, route, provider and HTTP status.",
      labelNames: ["api", "route", "provider", "status"],
      registers,
    });
    this.requestDuration = new Histogram({
      name: "switchyard_request_duration_seconds",
      help: "Time from receiving a request to the end of its response (for streams, the end of the stream).",
      labelNames: ["api", "route", "provider"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: "switchyard_upstream_duration_seconds",
      help: "Time the upstream took to answer a non-streaming request.",
      labelNames: ["route", "provider"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.gatewayOverhead = new Histogram({
      name: "switchyard_gateway_overhead_seconds",
      help: "Time the gateway added: request duration minus upstream time (for streams, until the first byte).",
      labelNames: ["api", "route"],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: "switchyard_time_to_first_token_seconds",
      help: "Time from receiving a streaming request to the upstream's first event.",
      labelNames: ["route", "provider"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: "switchyard_tokens_total",
      help: "Tokens reported by upstreams, by route, configured model and direction (input or output).",
      labelNames: ["route", "model", "direction"],
      registers,
    });
    this.inFlight = new Gauge({
      name: "switchyard_requests_in_flight",
      help: "API requests being answered now.",
      labelNames: ["route"],
      registers,
    });
    registerProcessMetrics(registry);
    this.cached = {
      requests: new LabelCache((...values) => this.requests.labels(...values)),
      requestDuration: new LabelCache((...values) => this.requestDuration.labels(...values)),
      upstreamDuration: new LabelCache((...values) => this.upstreamDuration.labels(...values)),
      gatewayOverhead: new LabelCache((...values) => this.gatewayOverhead.labels(...values)),
      timeToFirstToken: new LabelCache((...values) => this.timeToFirstToken.labels(...values)),
      tokens: new LabelCache((...values) => this.tokens.labels(...values)),
      inFlight: new LabelCache((...values) => this.inFlight.labels(...values)),
    };
  }
}

/**
 * A few process metrics, summed over workers (memory, CPU) or their worst (event-loop delay). prom-client's
 * default set is not used: some of its gauges end in `_total`, which Prometheus' own lint rejects.
 */
function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: "switchyard_process_resident_memory_bytes",
    help: "Resident memory of the gateway's worker processes.",
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: "switchyard_process_heap_used_bytes",
    help: "V8 heap in use in the gateway's worker processes.",
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Counter({
    name: "switchyard_process_cpu_seconds_total",
    help: "CPU time (user and system) used by the gateway's worker processes.",
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  new Gauge({
    name: "switchyard_process_event_loop_delay_p99_seconds",
    help: "99th percentile of event-loop delay since the last scrape, in the slowest worker.",
    registers,
    aggregator: "max",
    collect() {
      this.set(delay.percentile(99) / 1e9);
      delay.reset();
    },
  });
}

/** Metrics only the primary process knows: config reloads happen there. */
export class PrimaryMetrics {
  readonly registry = new Registry();
  readonly reloads = new Counter({
    name: "switchyard_config_reloads_total",
    help: "Config reloads attempted, by result (applied, or rejected because the file was invalid or unreadable).",
    labelNames: ["result"],
    registers: [this.registry],
  });

  constructor() {
    // Both series exist from the start, so that "no reload failed" reads 0 rather than nothing.
    this.reloads.inc({ result: "applied" }, 0);
    this.reloads.inc({ result: "rejected" }, 0);
  }
}

/** In a cluster worker: answers the primary's requests for this worker's metrics (prom-client's protocol). */
export function serveMetricsToPrimary(metrics: GatewayMetrics): void {
  AggregatorRegistry.setRegistries([metrics.registry]);
  new AggregatorRegistry();
}

/** In the primary: the metrics of every worker, summed (gauges and counters) and merged (histograms). */
export function createClusterMetricsCollector(primary: PrimaryMetrics): () => Promise<string> {
  const aggregator = new AggregatorRegistry();
  return async () => `${await aggregator.clusterMetrics()}\n${await primary.registry.metrics()}`;
}
