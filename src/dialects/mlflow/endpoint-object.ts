import type { RouteDescription } from "./route-object.js";

/**
 * A route as MLflow's deployments API (2.9+) shows it. MLflow points `endpoint_url` at the legacy
 * `/gateway/...` path; this gateway gives the deployments path the object belongs to. `limit` is the route's
 * MLflow-form limit (`{calls, key: null, renewal_period}`), or null as MLflow shows routes without one.
 */
export function encodeEndpointObject(route: RouteDescription): Record<string, unknown> {
  return {
    name: route.name,
    endpoint_type: route.type,
    model: { name: route.model, provider: route.provider },
    endpoint_url: `/endpoints/${route.name}/invocations`,
    limit:
      route.limit == null
        ? null
        : { calls: route.limit.calls, key: null, renewal_period: route.limit.renewalPeriod },
    health: { targets: route.health },
  };
}
