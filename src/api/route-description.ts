import type { MlflowLimit } from "../config/governance/limit-blocks.js";
import type { RouteDescription } from "../dialects/mlflow/route-object.js";
import type { Route } from "../routing/route-table.js";

/**
 * What the route information APIs may show of a route: names, types, models and providers, the health of
 * each target (its circuit breaker's state), and its request limit in MLflow's form (`limits`: the ones in
 * force, set at run time or from the file). Never a provider config, so never a key or an upstream URL.
 */
export function describeRoute(route: Route, limits?: readonly MlflowLimit[]): RouteDescription {
  const first = route.targets[0]?.upstream;
  return {
    name: route.name,
    type: route.type,
    model: first?.model ?? "",
    provider: first?.providerName ?? "",
    health: route.targets.map((target) => ({ target: target.label, circuit: target.breaker.state })),
    limit: (limits === undefined ? route.governance.config.mlflowLimit : limits[0]) ?? null,
  };
}
