import { GatewayError, type StreamEvent } from "../canonical/index.js";
import type { RequestOf } from "../providers/upstream-target.js";
import { awaitFirstEvent } from "../streaming/commit-point.js";
import { responseToEvents } from "../streaming/response-to-events.js";
import { checkOperation, firstTarget } from "./execute-route.js";
import type { Route, RouteTarget } from "./route-table.js";
import { openHttpStream, type StreamingOperation } from "./upstream-stream.js";

export interface StartedStream {
  /** The canonical events, the first of which has already arrived. */
  events: AsyncIterable<StreamEvent>;
  target: RouteTarget;
  /** How long the upstream took to send its first event, in milliseconds. */
  firstEventMs: number;
}

/**
 * Starts a streaming request on a route and returns once the upstream's first event is in (the commit point):
 * until then, every failure is thrown like a non-streaming one.
 */
export async function startRouteStream<O extends StreamingOperation>(
  route: Route,
  operation: O,
  request: RequestOf<O>,
  signal: AbortSignal,
): Promise<StartedStream> {
  checkOperation(route, operation);
  const target = firstTarget(route);
  const upstream = target.upstream;
  const started = performance.now();
  let events: AsyncIterable<StreamEvent>;
  if (upstream.transport === "in-process") {
    const perform = upstream.operations[operation];
    if (perform === undefined)
      throw new GatewayError(
        "not_implemented",
        `${upstream.providerDisplayName} cannot serve ${operation} requests.`,
      );
    events = responseToEvents(await perform(request, signal));
  } else {
    if (target.pool === undefined)
      throw new GatewayError("internal_error", `Route '${route.name}' has no connection pool.`);
    events = await openHttpStream(upstream, target.pool, operation, request as never, signal, route.timeouts);
  }
  const committed = await awaitFirstEvent(events);
  return { events: committed, target, firstEventMs: performance.now() - started };
}
