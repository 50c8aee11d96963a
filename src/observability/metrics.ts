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
  /** Labels: route, provider, model, group, direction. */
  readonly tokens: HotCounter;
  /** Labels: route, provider, model, group. */
  readonly cost: HotCounter;
  /** Labels: route, model. */
  readonly unpriced: HotCounter;
  /** Labels: scope, id (empty for keys), limit, kind. */
  readonly denials: HotCounter;
  /** Labels: route, reason (`cut`, `overdrawn`). */
  readonly streamsOverBudget: HotCounter;
  /** Labels: mode. Requests decided in a degraded mode (Redis down: local shares). */
  readonly governanceDegraded: HotCounter;
  /** Usage records a sink lost (buffer full; stdout, the owner or a sink not taking them). */
  readonly usageDropped: HotCounter;
  /** Labels: route. */
  readonly inFlight: HotGauge;
  /** Labels: route, provider. */
  readonly skippedFrames: HotCounter;
  /** Labels: route, target (the one that continued). */
  readonly continuations: HotCounter;
  /** Labels: surface, code. */
  readonly accessRefusals: HotCounter;

  /**
   * The embedded limit store's admissions, by where they were decided (`worker`: from its grants, no round trip;
   * `ledger`: by the owner process), and the messages sent to the ledger. Read from the store when scraped.
   */
  trackLimitStore(read: () => { localAdmissions: number; ledgerAdmissions: number; calls: number }): void {
    const registers = [this.registry];
    new Counter({
      name: "switchyard_limit_admissions_total",
      help: "Admissions with the embedded limit store, by where they were decided: worker (from a grant, no round trip) or ledger (the owner process).",
      labelNames: ["decided"],
      registers,
      collect() {
        const stats = read();
        this.reset();
        this.inc({ decided: "worker" }, stats.localAdmissions);
        this.inc({ decided: "ledger" }, stats.ledgerAdmissions);
      },
    });
    new Counter({
      name: "switchyard_limit_store_calls_total",
      help: "Messages (round trips) the workers sent to the embedded limit store's ledger.",
      registers,
      collect() {
        this.reset();
        this.inc(read().calls);
      },
    });
  }

  /**
   * Whether the limit store answers, read when scraped. Over the workers the lowest wins: one worker deciding
   * without Redis is what an operator must see.
   */
  trackStoreHealth(store: "local" | "redis", up: () => boolean): void {
    new Gauge({
      name: "switchyard_governance_store_up",
      help: "Whether the limit store answers (1) or not (0); 0 while any worker decides without it.",
      labelNames: ["store"],
      registers: [this.registry],
      aggregator: "min",
      collect() {
        this.set({ store }, up() ? 1 : 0);
      },
    });
  }

  /**
   * The gateway processes the Redis store counts live (by their heartbeats): what each process divides rate and
   * in-flight limits by while Redis is down. The smallest count of any worker, so a worker that has not yet
   * counted a new replica shows.
   */
  trackStoreProcesses(count: () => number): void {
    new Gauge({
      name: "switchyard_governance_store_processes",
      help: "Gateway processes the Redis limit store counts live by their heartbeats (the divisor of local shares while Redis is down); the smallest count of any worker.",
      registers: [this.registry],
      aggregator: "min",
      collect() {
        this.set(count());
      },
    });
  }

  /** A worker's load shedding (overload/load-shedding.ts), read from its state when scraped. */
  trackOverload(state: {
    shedding(): boolean;
    shed: Readonly<Record<"event_loop_delay" | "event_loop_utilization", number>>;
  }): void {
    const registers = [this.registry];
    new Counter({
      name: "switchyard_requests_shed_total",
      help: "API requests answered 503 at once because the worker was overloaded (server.overload), by the measurement over its limit.",
      labelNames: ["reason"],
      registers,
      collect() {
        this.reset();
        this.inc({ reason: "event_loop_delay" }, state.shed.event_loop_delay);
        this.inc({ reason: "event_loop_utilization" }, state.shed.event_loop_utilization);
      },
    });
    new Gauge({
      name: "switchyard_overloaded_workers",
      help: "Workers shedding new requests now because their event loop is behind (1 per such worker).",
      registers,
      collect() {
        this.set(state.shedding() ? 1 : 0);
      },
    });
  }

  /** Requests a worker has accepted and not yet started, because more arrived in one turn than it starts. */
  trackRequestTurns(turns: { readonly queued: number }): void {
    new Gauge({
      name: "switchyard_requests_waiting_to_start",
      help: "API requests accepted and waiting for their turn: more arrived at once than a worker starts in one turn of its event loop (server.overload.new_requests_per_turn).",
      registers: [this.registry],
      collect() {
        this.set(turns.queued);
      },
    });
  }

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
      "Tokens used, by route, provider, configured model, key group and direction (input or output); estimated where the upstream reported none.",
      ["route", "provider", "model", "group", "direction"],
      registry,
    );
    this.cost = new HotCounter(
      "switchyard_cost_usd_total",
      "What priced requests cost, in USD, by route, provider, configured model and key group.",
      ["route", "provider", "model", "group"],
      registry,
    );
    this.unpriced = new HotCounter(
      "switchyard_unpriced_requests_total",
      "Requests to a model without a price (their cost is unknown, not 0).",
      ["route", "model"],
      registry,
    );
    this.denials = new HotCounter(
      "switchyard_limit_denials_total",
      "Requests refused by a limit or budget, by scope, id (empty for keys), limit name and kind.",
      ["scope", "id", "limit", "kind"],
      registry,
    );
    this.streamsOverBudget = new HotCounter(
      "switchyard_streams_over_reservation_total",
      "Streams that used up their reservation and could not top it up: cut, or finished in debt (overdrawn).",
      ["route", "reason"],
      registry,
    );
    this.governanceDegraded = new HotCounter(
      "switchyard_governance_degraded_requests_total",
      "Requests decided in a degraded mode while the limit store was unavailable, by mode.",
      ["mode"],
      registry,
    );
    this.usageDropped = new HotCounter(
      "switchyard_usage_dropped_total",
      "Usage records a sink lost: the buffer was full, stdout or the owner process did not take them.",
      [],
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
