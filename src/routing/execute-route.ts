import { GatewayError, type Operation } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import type { RequestOf, ResponseOf } from "../providers/upstream-target.js";
import type { CancelSignal } from "./cancel-signal.js";
import { fanOutPrompts, needsPromptFanOut } from "./prompt-lists.js";
import { type AttemptObserver, callWithResilience } from "./resilient-call.js";
import type { Route, RouteTarget } from "./route-table.js";
import { callHttpUpstream } from "./upstream-client.js";

export interface RouteResult<O extends Operation> {
  response: ResponseOf<O>;
  /** The target that produced the response. */
  target: RouteTarget;
  /** How long the successful attempt's upstream took, in milliseconds. */
  upstreamMs: number;
  attempts: number;
}

/** Runs one request on a route, with the route's retries, fallbacks and circuit breakers. */
export async function executeRoute<O extends Operation>(
  route: Route,
  operation: O,
  request: RequestOf<O>,
  signal: CancelSignal,
  onAttempt?: AttemptObserver,
): Promise<RouteResult<O>> {
  checkOperation(route, operation);
  const { value, target, attempts } = await callWithResilience(
    route,
    signal,
    (candidate, attemptSignal, timeouts) =>
      performAttempt(candidate, operation, request, attemptSignal, timeouts),
    onAttempt,
  );
  return { response: value.response, upstreamMs: value.upstreamMs, target, attempts };
}

/** One call to one target, translated through the canonical model. */
export async function performAttempt<O extends Operation>(
  target: RouteTarget,
  operation: O,
  request: RequestOf<O>,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<{ response: ResponseOf<O>; upstreamMs: number }> {
  const started = performance.now();
  if (needsPromptFanOut(target, operation, request)) {
    const response = await fanOutPrompts(request, (single) =>
      callOnce(target, operation, single, signal, timeouts),
    );
    return { response, upstreamMs: performance.now() - started };
  }
  const response = await callOnce(target, operation, request, signal, timeouts);
  return { response, upstreamMs: performance.now() - started };
}

async function callOnce<O extends Operation>(
  target: RouteTarget,
  operation: O,
  request: RequestOf<O>,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<ResponseOf<O>> {
  const upstream = target.upstream;
  if (upstream.transport === "in-process") {
    const perform = upstream.operations[operation];
    if (perform === undefined) throw cannotServe(upstream.providerDisplayName, operation);
    return perform(request, signal);
  }
  if (target.pool === undefined)
    throw new GatewayError("internal_error", `Target ${target.label} has no connection pool.`);
  return callHttpUpstream(upstream, target.pool, operation, request, signal, timeouts);
}

export function checkOperation(route: Route, operation: Operation): void {
  if (route.operation !== operation) {
    throw new GatewayError(
      "route_type_mismatch",
      `Route '${route.name}' is a ${route.type} route and cannot serve ${operation} requests.`,
    );
  }
}

export function cannotServe(provider: string, operation: Operation): GatewayError {
  return new GatewayError("not_implemented", `${provider} cannot serve ${operation} requests.`);
}
