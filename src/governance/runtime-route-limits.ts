import { type MlflowLimit, mlflowRate } from "../config/governance/limit-blocks.js";
import { ScopeLimits } from "./limit-plan.js";
import type { RouteGovernance } from "./route-governance.js";

/**
 * Route limits set at run time (MLflow's limits API), by route name: they replace the file's request rates.
 * Each route's scope with them is built once per route table, not per request.
 */
export class RuntimeRouteLimits {
  private overrides = new Map<
    string,
    { limits: MlflowLimit[]; scopes: WeakMap<RouteGovernance, ScopeLimits> }
  >();

  /** Replaces every run-time limit (the whole map, as the owner publishes it). */
  set(overrides: Record<string, MlflowLimit[]>): void {
    this.overrides = new Map(
      Object.entries(overrides).map(([route, limits]) => [route, { limits, scopes: new WeakMap() }]),
    );
  }

  /** The MLflow-form limits a route has now: set at run time, else from the file. */
  mlflowLimitsOf(route: RouteGovernance): MlflowLimit[] {
    const override = this.overrides.get(route.routeName);
    if (override !== undefined) return override.limits;
    return route.config.mlflowLimit === null ? [] : [route.config.mlflowLimit];
  }

  /** The route's own scope, with run-time limits in place of the file's request rates. */
  scopeOf(route: RouteGovernance): ScopeLimits {
    const override = this.overrides.get(route.routeName);
    if (override === undefined) return route.own;
    let scope = override.scopes.get(route);
    if (scope === undefined) {
      const config = route.config;
      const rates = [
        ...config.limits.rates.filter((rate) => rate.unit !== "requests"),
        ...override.limits.map(mlflowRate),
      ];
      scope = new ScopeLimits(
        "route",
        route.routeName,
        { rates, concurrency: config.limits.concurrency },
        config.budgets,
      );
      override.scopes.set(route, scope);
    }
    return scope;
  }
}
