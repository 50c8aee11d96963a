import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, Registry } from "prom-client";
import { HotCounter, HotGauge, HotHistogram } from "./hot-metrics.js";

/**
 * Every metric the gateway exports, defined in this one file. Labels carry only bounded values from the config
 * (route names, provider names, configured model names) or the gateway itself (statuses, API names): never
 * user input, never a secret.
 */
const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];
const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

/** The request-path metrics (hot-metrics.ts: cheap to observe) and a few process metrics, in one registry. */
export class GatewayMetrics {
  readonly registry: Registry;
  /** Labels: api, route, provider, status. */
  readonly requests: HotCounter;
  /** Labels: api, route, provider. */
  readonly requestDuration: HotHistogram;
  /** Labels: route, provider. */
  readonly upstreamDuration: HotHistogram;
  /** Labels: api, route. */
  readonly gatewayOverhead: HotHistogram;
  /** Labels: route, provider. */
  readonly timeToFirstToken: HotHistogram;
  /** Labels: route, model, direction. */
  readonly tokens: HotCounter;
  /** Labels: route. */
  readonly inFlight: HotGauge;
  /** Labels: route, provider. */
  readonly skippedFrames: HotCounter;
  /** Labels: route, target (the one that continued). */
  readonly continuations: HotCounter;
  /** Labels: surface, code. */
  readonly accessRefusals: HotCounter;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.requests = new HotCounter(
      "switchyard_requests_total",
      "API requests answered, by API, route, provider and HTTP status.",
      ["api", "route", "provider", "status"],
      registry,
    );
    this.requestDuration = new HotHistogram(
      "switchyard_request_duration_seconds",
      "Time from receiving a request to the end of its response (for streams, the end of the stream).",
      ["api", "route", "provider"],
      registry,
      LATENCY_BUCKETS,
    );
    this.upstreamDuration = new HotHistogram(
      "switchyard_upstream_duration_seconds",
      "Time the upstream took to answer a non-streaming request.",
      ["route", "provider"],
      registry,
      LATENCY_BUCKETS,
    );
    this.gatewayOverhead = new HotHistogram(
      "switchyard_gateway_overhead_seconds",
      "Time the gateway added: request duration minus upstream time (for streams, until the first byte).",
      ["api", "route"],
      registry,
      OVERHEAD_BUCKETS,
    );
    this.timeToFirstToken = new HotHistogram(
      "switchyard_time_to_first_token_seconds",
      "Time from receiving a streaming request to the upstream's first event.",
      ["route", "provider"],
      registry,
      LATENCY_BUCKETS,
    );
    this.tokens = new HotCounter(
      "switchyard_tokens_total",
      "Tokens reported by upstreams, by route, configured model and direction (input or output).",
      ["route", "model", "direction"],
      registry,
    );
    this.inFlight = new HotGauge(
      "switchyard_requests_in_flight",
      "API requests being answered now.",
      ["route"],
      registry,
    );
    this.skippedFrames = new HotCounter(
      "switchyard_stream_frames_skipped_total",
      "Upstream stream frames that could not be read and were skipped (the stream went on without them).",
      ["route", "provider"],
      registry,
    );
    this.continuations = new HotCounter(
      "switchyard_stream_continuations_total",
      "Streams that broke after reaching the client and were continued on another target, by that target.",
      ["route", "target"],
      registry,
    );
    this.accessRefusals = new HotCounter(
      "switchyard_access_refusals_total",
      "Requests refused by access control before any route was chosen, by surface and error code (missing_api_key, invalid_api_key, governance_unavailable, ...).",
      ["surface", "code"],
      registry,
    );
    registerProcessMetrics(registry);
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
