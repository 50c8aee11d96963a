import type { Pool } from "undici";
import { OPERATION_OF_ROUTE_TYPE, type Operation, type RouteType } from "../canonical/index.js";
import { configSecrets } from "../config/config-secrets.js";
import type { GatewayConfig, RouteConfig, RouteStrategy, TargetConfig } from "../config/gateway-config.js";
import type { RetrySettings } from "../config/resilience-settings.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import type { PriceEntry } from "../governance/prices/price-entry.js";
import { RouteGovernance, TableGovernance } from "../governance/route-governance.js";
import { gatewaySecrets } from "../observability/secret-set.js";
import type { ProviderDefinition } from "../providers/provider-definition.js";
import { findProvider } from "../providers/registry.js";
import type { UpstreamTarget } from "../providers/upstream-target.js";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker.js";
import type { UpstreamPools } from "./upstream-pools.js";

export interface RouteTarget {
  readonly upstream: UpstreamTarget;
  /** The connection pool of the upstream's origin; absent for in-process providers. */
  readonly pool: Pool | undefined;
  /** `provider/model`, as shown in headers, logs and the route information. */
  readonly label: string;
  readonly weight: number;
  readonly timeouts: UpstreamTimeouts;
  readonly breaker: CircuitBreaker;
  /** What this target's calls cost (the price table with overrides); undefined when nothing prices it. */
  readonly price: PriceEntry | undefined;
}

export interface Route {
  readonly name: string;
  /** Other model names that select the route (`claude-sonnet-4-5`); none when absent. */
  readonly aliases?: readonly string[];
  readonly type: RouteType;
  readonly operation: Operation;
  readonly strategy: RouteStrategy;
  readonly targets: readonly RouteTarget[];
  readonly retries: RetrySettings;
  readonly maxInFlight: number | null;
  /** The route's limits, budgets and accounting settings, prepared for the request path. */
  readonly governance: RouteGovernance;
  /** Every upstream model the route can reach (fallbacks included): what a key's `models` scope is checked against. */
  readonly targetModels: readonly string[];
}

/** A route of the config with its providers' targets built. */
interface BuiltRoute {
  readonly route: RouteConfig;
  readonly upstreams: readonly { target: TargetConfig; upstream: UpstreamTarget }[];
}

/** Told of every circuit-breaker transition, to log it. */
export type CircuitObserver = (
  route: string,
  target: string,
  from: CircuitState,
  to: CircuitState,
  reason: string,
) => void;

/**
 * The routes of one version of the config, with everything a request needs prepared in advance (providers'
 * targets, headers with resolved keys, pools), so the request path only looks things up.
 * Requests hold the table they started with until they finish; a retired table releases its pools then.
 */
export class RouteTable {
  readonly routes: readonly Route[];
  /** Unix seconds when this version of the config took effect. */
  readonly builtAt = Math.floor(Date.now() / 1000);
  /** Global limits, budgets, prices and estimates of this version of the config. */
  readonly governance: TableGovernance;
  /** Whether a request must come with a gateway key (`governance.auth.required`). */
  readonly authRequired: boolean;
  private readonly byName: Map<string, Route>;
  private readonly byModel: Map<string, Route>;
  private readonly origins: string[] = [];
  private inFlight = 0;
  private retired = false;

  /**
   * Builds the table of a config. Asynchronous because a provider may import its target code on first use
   * (see ProviderDefinition.createTarget); every target is built before any pool is taken, so a failure
   * leaves nothing to release.
   */
  static async build(
    config: GatewayConfig,
    pools: UpstreamPools,
    onCircuitTransition: CircuitObserver = () => {},
  ): Promise<RouteTable> {
    // Before any target exists: from now on, nothing this table serves or logs can carry one of its keys.
    gatewaySecrets.add(configSecrets(config));
    const routes = await Promise.all(
      config.routes.map(async (route) => ({
        route,
        upstreams: await Promise.all(
          route.targets.map(async (target) => ({ target, upstream: await createUpstream(target) })),
        ),
      })),
    );
    return new RouteTable(config, routes, pools, onCircuitTransition);
  }

  private constructor(
    config: GatewayConfig,
    routes: readonly BuiltRoute[],
    private readonly pools: UpstreamPools,
    private readonly onCircuitTransition: CircuitObserver,
  ) {
    this.governance = new TableGovernance(config);
    this.routes = routes.map(({ route, upstreams }) => ({
      name: route.name,
      ...(route.aliases === undefined ? {} : { aliases: route.aliases }),
      type: route.type,
      operation: OPERATION_OF_ROUTE_TYPE[route.type],
      strategy: route.strategy,
      targets: upstreams.map(({ target, upstream }) => this.createTarget(route, target, upstream)),
      retries: route.retries,
      maxInFlight: route.maxInFlight,
      governance: new RouteGovernance(route.name, route.governance),
      targetModels: [...new Set(route.targets.map((target) => target.model))],
    }));
    this.authRequired = config.governance.auth.required;
    this.byName = new Map(this.routes.map((route) => [route.name, route]));
    // The config guarantees that no alias is another route's name or alias.
    this.byModel = new Map(this.byName);
    for (const route of this.routes) for (const alias of route.aliases ?? []) this.byModel.set(alias, route);
  }

  /** The route of this name. */
  get(name: string): Route | undefined {
    return this.byName.get(name);
  }

  /** The route a request's `model` selects: by name or by one of its aliases. */
  forModel(model: string): Route | undefined {
    return this.byModel.get(model);
  }

  /** Marks a request as using this table; pair with `release`. */
  acquire(): void {
    this.inFlight++;
  }

  release(): void {
    this.inFlight--;
    if (this.retired && this.inFlight === 0) this.releasePools();
  }

  /** Called when a newer table replaces this one: pools are released once the last request finishes. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.inFlight === 0) this.releasePools();
  }

  private createTarget(route: RouteConfig, target: TargetConfig, upstream: UpstreamTarget): RouteTarget {
    const provider = providerOf(target);
    const label = `${provider.name}/${target.model}`;
    const breaker = new CircuitBreaker(route.circuitBreaker, (from, to, reason) =>
      this.onCircuitTransition(route.name, label, from, to, reason),
    );
    const price = this.governance.priceOf(provider.name, target.model, route.governance, target);
    const common = { upstream, label, weight: target.weight, timeouts: target.timeouts, breaker, price };
    if (upstream.transport === "in-process") return { ...common, pool: undefined };
    this.origins.push(upstream.origin);
    return { ...common, pool: this.pools.acquire(upstream.origin) };
  }

  private releasePools(): void {
    for (const origin of this.origins.splice(0)) this.pools.release(origin);
  }
}

function providerOf(target: TargetConfig): ProviderDefinition {
  const provider = findProvider(target.provider);
  // The config was validated against the same registry, so the provider exists.
  if (provider === undefined) throw new Error(`provider '${target.provider}' is not registered`);
  return provider;
}

async function createUpstream(target: TargetConfig): Promise<UpstreamTarget> {
  return providerOf(target).createTarget(target.model, target.config);
}
