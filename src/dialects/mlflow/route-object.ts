import type { RouteType } from "../../canonical/index.js";

export interface RouteDescription {
  name: string;
  type: RouteType;
  model: string;
  provider: string;
}

/** The public form of a route: never its provider config, so never a key. */
export function encodeRouteObject(route: RouteDescription): Record<string, unknown> {
  return {
    name: route.name,
    route_type: route.type,
    model: { name: route.model, provider: route.provider },
    route_url: `/gateway/${route.name}/invocations`,
  };
}
