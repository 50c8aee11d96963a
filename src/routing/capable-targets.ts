import { GatewayError } from "../canonical/index.js";
import type { Route, RouteTarget } from "./route-table.js";

/** A requirement of a request that a target does not meet, in the client's words (see Untranslatable). */
export interface UnmetRequirement {
  what: string;
  param: string;
  /** Why the target cannot: "does not support it", "...". */
  because: string;
}

/**
 * The route with only the targets that can serve a request: a target that cannot honour what the request asks for
 * (a feature it lacks, a built-in tool only another API has) is skipped, like a target whose circuit is open, so
 * a route can still serve through its other targets. When none can, the request gets a 400 that names what it
 * asked for and the route, rather than reaching a target that would drop it silently.
 */
export function capableTargets(
  route: Route,
  unmet: (target: RouteTarget) => UnmetRequirement | undefined,
): Route {
  const reasons = route.targets.map((target) => ({ target, reason: unmet(target) }));
  const capable = reasons.filter((entry) => entry.reason === undefined).map((entry) => entry.target);
  if (capable.length === route.targets.length) return route;
  if (capable.length > 0) return { ...route, targets: capable };
  const first = reasons[0]?.reason;
  const why = reasons.map(({ target, reason }) => `${target.label} ${reason?.because}`);
  const targets = why.length === 1 ? `its target ${why[0]}` : `no target can (${why.join("; ")})`;
  throw new GatewayError(
    "feature_unsupported",
    `The request asks for ${first?.what} ('${first?.param}'), which route '${route.name}' cannot honour: ${targets}.`,
    first === undefined ? {} : { param: first.param },
  );
}
