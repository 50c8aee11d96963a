import type { FastifyInstance } from "fastify";
import { loadConsoleFiles } from "../api/console/console-files.js";
import type { MetricsSource } from "../api/metrics-api.js";
import { ReadinessChecks } from "../api/readiness.js";
import type { RequestWatcher } from "../api/request-outcome.js";
import {
  consoleProtection,
  DEFAULT_CONSOLE_SETTINGS,
  isConsoleEnabled,
  isLoopbackHost,
  isProtected,
} from "../config/console-settings.js";
import type { GatewayConfig } from "../config/gateway-config.js";
import type { Coordinator } from "../coordination/coordinator.js";
import { InProcessCoordinator } from "../coordination/in-process-coordinator.js";
import { GovernanceRuntime } from "../governance/governance-runtime.js";
import { Governor } from "../governance/governor.js";
import { CoordinatedLimitStore } from "../governance/limits/coordinated-limit-store.js";
import { createLimitStore } from "../governance/limits/create-limit-store.js";
import { RedisLimitStore } from "../governance/limits/redis-limit-store.js";
import {
  ROUTE_LIMITS_SERVICE,
  ROUTE_LIMITS_TOPIC,
  type RouteLimitOverrides,
} from "../governance/route-limit-overrides.js";
import { type UsageLineOutput, UsageLogClient } from "../governance/usage/usage-log-client.js";
import type { Logger } from "../observability/logger.js";
import { GatewayMetrics } from "../observability/metrics.js";
import { TrafficRecorder } from "../observability/traffic-recorder.js";
import { ResponseStorage } from "../response-store/response-storage.js";
import { type CircuitObserver, RouteTable } from "../routing/route-table.js";
import { RouteTableHolder } from "../routing/route-table-holder.js";
import { SharedCircuits } from "../routing/shared-circuits.js";
import { UpstreamPools } from "../routing/upstream-pools.js";
import { buildApp } from "./build-app.js";
import { reportConsoleData } from "./console-reporter.js";
import { createOwnedServices } from "./owned-services.js";

export interface GatewayInstanceOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** Where `/metrics` reads from; by default this instance's own metrics. */
  metricsSource?: MetricsSource;
  /** What traces each request, when tracing is configured (api/request-tracing.ts). */
  tracing?: (app: FastifyInstance) => RequestWatcher;
  /**
   * The channel to the owner of gateway-wide state (the primary, in a cluster). Without one, the instance is
   * its own owner: it hosts the owned services itself.
   */
  coordinator?: Coordinator;
  /** Where the usage log's `stdout` sink writes this process's records (process.stdout; tests capture it). */
  usageOutput?: UsageLineOutput;
  /**
   * The address the instance will listen on (default 127.0.0.1): the web console is on by default only when it
   * is a loopback address.
   */
  host?: string;
}

/**
 * One serving gateway: its HTTP app, its live route table and its upstream pools. A cluster worker runs one;
 * tests run one in-process.
 */
export class GatewayInstance {
  /** Counts applyConfig calls, so that a slower, older one does not replace a newer table. */
  private configGeneration = 0;

  private constructor(
    readonly app: FastifyInstance,
    readonly metrics: GatewayMetrics,
    private readonly holder: RouteTableHolder,
    private readonly pools: UpstreamPools,
    private readonly startedWith: GatewayConfig,
    private readonly logger: Logger | undefined,
    readonly coordinator: Coordinator,
    /** Set when this instance hosts the owned services itself (no cluster primary). */
    private readonly ownCoordinator: InProcessCoordinator | undefined,
    private readonly circuits: CircuitObserver,
    private readonly sharedCircuits: SharedCircuits,
    readonly governance: GovernanceRuntime,
    private readonly consoleReporter: { stop(): void } | undefined,
    private readonly responses: ResponseStorage,
    /** Behind `GET /ready`: register a check for each dependency the gateway needs to serve. */
    readonly readiness: ReadinessChecks,
  ) {}

  static async create(options: GatewayInstanceOptions): Promise<GatewayInstance> {
    const ownCoordinator = options.coordinator === undefined ? ownedLocally(options) : undefined;
    const coordinator = options.coordinator ?? (ownCoordinator as InProcessCoordinator);
    const pools = new UpstreamPools();
    // Breaker transitions are logged and shared with the other workers (bound once the holder exists).
    const sharing: { shared?: SharedCircuits } = {};
    const log = circuitLogger(options.logger);
    const circuits: CircuitObserver = (route, target, from, to, reason) => {
      log(route, target, from, to, reason);
      sharing.shared?.announce(route, target, from, to);
    };
    const limitStore = createLimitStore(options.config.governance.store, coordinator, options.logger);
    const governor = new Governor({
      store: limitStore,
      renewEveryMs: options.config.governance.estimates.meterEveryMs,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    // Route limits set at run time (MLflow's limits API): the current ones now, every change as it happens.
    coordinator.subscribe(ROUTE_LIMITS_TOPIC, (overrides) =>
      governor.setRouteOverrides(overrides as RouteLimitOverrides),
    );
    await coordinator
      .call(ROUTE_LIMITS_SERVICE, { op: "list" })
      .then((overrides) => governor.setRouteOverrides(overrides as RouteLimitOverrides))
      .catch((error: unknown) =>
        options.logger?.warn({ err: error }, "could not read the route limits set at run time"),
      );
    const table = await RouteTable.build(options.config, pools, circuits);
    for (const warning of table.warnings) options.logger?.warn(warning);
    const holder = new RouteTableHolder(table, governor);
    const sharedCircuits = new SharedCircuits(coordinator, () => holder.current);
    sharing.shared = sharedCircuits;
    const metrics = new GatewayMetrics();
    if (limitStore instanceof CoordinatedLimitStore) metrics.trackLimitStore(() => limitStore.stats);
    metrics.trackStoreHealth(limitStore instanceof RedisLimitStore ? "redis" : "local", () => limitStore.up);
    if (limitStore instanceof RedisLimitStore) metrics.trackStoreProcesses(() => limitStore.liveProcesses);
    const usageLog = new UsageLogClient(coordinator, options.config.governance.usageLog, options.usageOutput);
    const readiness = new ReadinessChecks();
    const governance = await GovernanceRuntime.create(options.config, coordinator, options.logger);
    const consoleSettings = options.config.console ?? DEFAULT_CONSOLE_SETTINGS;
    const host = options.host ?? "127.0.0.1";
    const protection = consoleProtection(options.config.governance);
    const traffic = isConsoleEnabled(consoleSettings, host, protection) ? new TrafficRecorder() : undefined;
    if (traffic !== undefined && !isLoopbackHost(host) && !isProtected(protection))
      options.logger?.warn(
        { host, path: consoleSettings.path },
        "the web console is on for a non-loopback address: anyone who can reach the gateway can see its routes and traffic and use its playground",
      );
    const files = traffic === undefined ? undefined : await loadConsoleFiles(consoleSettings.path);
    if (traffic !== undefined && files === undefined)
      options.logger?.warn("the web console's page was not built (npm run build); its path answers 503");
    const responses = new ResponseStorage(options.config, coordinator);
    const app = await buildApp({
      usageLog,
      routes: holder,
      metrics,
      readiness,
      ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
      ...(options.metricsSource === undefined ? {} : { metricsSource: options.metricsSource }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      server: options.config.server,
      coordinator,
      governance,
      ...(traffic === undefined ? {} : { console: { path: consoleSettings.path, files, traffic } }),
      responses,
    });
    const consoleReporter =
      traffic === undefined ? undefined : reportConsoleData(traffic, holder, coordinator, options.logger);
    readiness.register("governance_store", () => governance.probe());
    readiness.markConfigLoaded();
    return new GatewayInstance(
      app,
      metrics,
      holder,
      pools,
      options.config,
      options.logger,
      coordinator,
      ownCoordinator,
      circuits,
      sharedCircuits,
      governance,
      consoleReporter,
      responses,
      readiness,
    );
  }

  /**
   * Swaps in a new config; requests in flight finish on the table they started with. Building the table may
   * wait for a provider's target code to load; when configs arrive faster than that, the newest one wins.
   */
  async applyConfig(config: GatewayConfig): Promise<void> {
    const generation = ++this.configGeneration;
    this.ownCoordinator?.host.applyConfig(config);
    this.responses.applyConfig(config);
    this.app.usageLog?.applySettings(config.governance.usageLog);
    // In call order, so the newest config's governance wins as its route table does.
    this.governance.applyConfig(config);
    const table = await RouteTable.build(config, this.pools, this.circuits);
    if (generation !== this.configGeneration) {
      table.retire();
      return;
    }
    for (const warning of table.warnings) this.logger?.warn(warning);
    this.holder.swap(table);
    if (JSON.stringify(config.server) !== JSON.stringify(this.startedWith.server)) {
      this.logger?.warn("the 'server' settings changed; they take effect when the gateway restarts");
    }
    if (JSON.stringify(config.console) !== JSON.stringify(this.startedWith.console)) {
      this.logger?.warn("the 'console' settings changed; they take effect when the gateway restarts");
    }
  }

  async listen(host: string, port: number): Promise<string> {
    return this.app.listen({ host, port });
  }

  /** Stops accepting, lets requests in flight finish, then closes upstream connections. */
  async close(): Promise<void> {
    // A keep-alive connection whose request finishes after close() began turns idle and would hold the server
    // open until the client's keep-alive ends; closing idle connections as they appear lets shutdown finish.
    const sweep = setInterval(() => this.app.server.closeIdleConnections(), 100);
    try {
      await this.app.close();
    } finally {
      clearInterval(sweep);
    }
    this.sharedCircuits.close();
    this.consoleReporter?.stop();
    this.holder.current.retire();
    await this.holder.governor?.close();
    await this.app.usageLog?.flush();
    await this.pools.closeAll();
    await this.governance.close();
    await this.responses.close();
    await this.ownCoordinator?.close();
  }
}

/** A gateway without a cluster primary hosts the owned services itself. */
function ownedLocally(options: GatewayInstanceOptions): InProcessCoordinator {
  const logger = options.logger;
  const coordinator = new InProcessCoordinator([], (error) =>
    logger?.error({ err: error }, "a listener of a gateway event failed"),
  );
  const publish = (topic: string, payload: unknown): void => coordinator.publish(topic, payload);
  for (const service of createOwnedServices({
    config: options.config,
    publish,
    ...(logger === undefined ? {} : { logger }),
  }))
    coordinator.host.add(service);
  return coordinator;
}

/** Logs every circuit-breaker transition: opening is a warning, recovery is news. */
function circuitLogger(logger: Logger | undefined): CircuitObserver {
  return (route, target, from, to, reason) => {
    const entry = { route, target, from, to, reason };
    const message = `circuit of route '${route}' target ${target}: ${from} -> ${to} (${reason})`;
    if (to === "open") logger?.warn(entry, message);
    else logger?.info(entry, message);
  };
}
