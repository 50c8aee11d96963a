import type { RouteType } from "../../canonical/index.js";

export interface RouteDescription {
  name: string;
  type: RouteType;
  model: string;
  provider: string;
  /** Each target (`provider/model`) and its circuit-breaker state; the first is the one in `model`. */
  health: { target: string; circuit: string }[];
  /** MLflow's per-endpoint `limit: {calls, renewal_period}` when the route has one. */
  limit?: { calls: number; renewalPeriod: string } | null;
}

/** The public form of a route: never its provider config, so never a key. */
export function encodeRouteObject(route: RouteDescription): Record<string, unknown> {
  return {
    name: route.name,
    route_type: route.type,
    model: { name: route.model, provider: route.provider },
    route_url: `/gateway/${route.name}/invocations`,
    health: { targets: route.health },
  };
}
