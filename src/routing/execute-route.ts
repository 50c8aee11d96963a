import { GatewayError, type Operation } from "../canonical/index.js";
import type { RequestOf, ResponseOf } from "../providers/upstream-target.js";
import type { Route, RouteTarget } from "./route-table.js";
import { callHttpUpstream } from "./upstream-client.js";

export interface RouteResult<O extends Operation> {
  response: ResponseOf<O>;
  /** The target that produced the response. */
  target: RouteTarget;
  /** How long the upstream took, in milliseconds. */
  upstreamMs: number;
}

/**
 * Runs one request on a route. Today a route has one target and this makes one attempt; the attempt plan
 * (retries, fallback, load balancing) grows here, behind this signature.
 */
export async function executeRoute<O extends Operation>(
  route: Route,
  operation: O,
  request: RequestOf<O>,
  signal: AbortSignal,
): Promise<RouteResult<O>> {
  checkOperation(route, operation);
  const target = firstTarget(route);
  const upstream = target.upstream;
  const started = performance.now();
  if (upstream.transport === "in-process") {
    const perform = upstream.operations[operation];
    if (perform === undefined) {
      throw new GatewayError(
        "not_implemented",
        `${upstream.providerDisplayName} cannot serve ${operation} requests.`,
      );
    }
    const response = await perform(request, signal);
    return { response, target, upstreamMs: performance.now() - started };
  }
  if (target.pool === undefined)
    throw new GatewayError("internal_error", `Route '${route.name}' has no connection pool.`);
  const response = await callHttpUpstream(upstream, target.pool, operation, request, signal, route.timeouts);
  return { response, target, upstreamMs: performance.now() - started };
}

export function checkOperation(route: Route, operation: Operation): void {
  if (route.operation !== operation) {
    throw new GatewayError(
      "route_type_mismatch",
      `Route '${route.name}' is a ${route.type} route and cannot serve ${operation} requests.`,
    );
  }
}

export function firstTarget(route: Route): RouteTarget {
  const target = route.targets[0];
  if (target === undefined) throw new GatewayError("internal_error", `Route '${route.name}' has no targets.`);
  return target;
}
