import type { RouteDescription } from "../dialects/mlflow/route-object.js";
import type { Route } from "../routing/route-table.js";

/**
 * What the route information APIs may show of a route: names, types, models and providers, and the health of
 * each target (its circuit breaker's state). Never a provider config, so never a key or an upstream URL.
 */
export function describeRoute(route: Route): RouteDescription {
  const first = route.targets[0]?.upstream;
  return {
    name: route.name,
    type: route.type,
    model: first?.model ?? "",
    provider: first?.providerName ?? "",
    health: route.targets.map((target) => ({ target: target.label, circuit: target.breaker.state })),
  };
}
