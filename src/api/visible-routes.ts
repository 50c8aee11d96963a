import { routeAccessDenial } from "../governance/access/route-access.js";
import type { Principal } from "../governance/principal.js";
import type { Route } from "../routing/route-table.js";

/** The routes a caller may use: listings show a key only what it can call. */
export function visibleRoutes(routes: readonly Route[], principal: Principal | null): readonly Route[] {
  if (principal === null || (principal.routes === null && principal.models === null)) return routes;
  return routes.filter((route) => routeAccessDenial(principal, route.name, route.targetModels) === undefined);
}
