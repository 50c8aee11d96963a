import type { GatewayConfig, RouteGovernanceConfig } from "../config/gateway-config.js";
import type { EstimateSettings } from "../config/governance/estimates-section.js";
import type { Limits } from "../config/governance/limit-blocks.js";
import type { PriceSettings } from "../config/governance/prices-section.js";
import { ScopeLimits } from "./limit-plan.js";
import type { PriceEntry } from "./prices/price-entry.js";
import { PriceTable } from "./prices/price-table.js";
import type { Principal } from "./principal.js";

/** What governance needs of a route, prepared when its route table is built. */
export class RouteGovernance {
  readonly own: ScopeLimits;
  private readonly perKey: Limits;
  private readonly perKeyScopes = new WeakMap<Principal, ScopeLimits>();

  constructor(
    readonly routeName: string,
    readonly config: RouteGovernanceConfig,
  ) {
    this.own = new ScopeLimits("route", routeName, config.limits, config.budgets);
    this.perKey = config.perKey;
  }

  /** The route's `per_key` limits for one key (built once per key object). */
  forKey(principal: Principal): ScopeLimits | undefined {
    if (this.perKey.rates.length === 0 && this.perKey.concurrency === null) return undefined;
    let scope = this.perKeyScopes.get(principal);
    if (scope === undefined) {
      scope = new ScopeLimits("route_key", `${this.routeName}/${principal.keyId}`, this.perKey, []);
      this.perKeyScopes.set(principal, scope);
    }
    return scope;
  }

  get hasPerKey(): boolean {
    return this.perKey.rates.length > 0 || this.perKey.concurrency !== null;
  }
}

/** What governance needs of a whole route table (one version of the config). */
export class TableGovernance {
  readonly global: ScopeLimits;
  readonly prices: PriceTable;
  readonly estimates: EstimateSettings;
  readonly priceSettings: PriceSettings;

  constructor(config: GatewayConfig) {
    const governance = config.governance;
    this.global = new ScopeLimits("global", "", governance.limits, governance.budgets);
    this.prices = new PriceTable(governance.prices);
    this.estimates = governance.estimates;
    this.priceSettings = governance.prices;
  }

  /** The price of a target: the table's entry with the global, route and target overrides. */
  priceOf(
    provider: string,
    model: string,
    route: RouteGovernanceConfig,
    target: { price: RouteGovernanceConfig["price"] },
  ): PriceEntry | undefined {
    return this.prices.lookup(provider, model, route.price, target.price);
  }
}
