import { GatewayError, type StreamEvent } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import type { RequestOf } from "../providers/upstream-target.js";
import { awaitFirstToken } from "../streaming/commit-point.js";
import { responseToEvents } from "../streaming/response-to-events.js";
import type { CancelSignal } from "./cancel-signal.js";
import { cannotServe, checkOperation } from "./execute-route.js";
import { needsPromptFanOut, promptListStreamError } from "./prompt-lists.js";
import { type AttemptObserver, callWithResilience } from "./resilient-call.js";
import type { Route, RouteTarget } from "./route-table.js";
import { openHttpStream, type SkippedFrameObserver, type StreamingOperation } from "./upstream-stream.js";

export interface StartedStream {
  /** The canonical events, the first of which has already arrived. */
  events: AsyncIterable<StreamEvent>;
  target: RouteTarget;
  /** How long the successful attempt's upstream took to send its first event, in milliseconds. */
  firstEventMs: number;
  attempts: number;
}

/**
 * Starts a streaming request on a route and returns once an upstream's first event is in (the commit point).
 * Until then every failure may be retried or fall back to the next target, like a non-streaming request.
 */
export async function startRouteStream<O extends StreamingOperation>(
  route: Route,
  operation: O,
  request: RequestOf<O>,
  signal: CancelSignal,
  onAttempt?: AttemptObserver,
): Promise<StartedStream> {
  checkOperation(route, operation);
  const { value, target, attempts } = await callWithResilience(
    route,
    signal,
    (candidate, attemptSignal, timeouts) =>
      openStreamAttempt(candidate, operation, request, attemptSignal, timeouts),
    onAttempt,
  );
  return { events: value.events, firstEventMs: value.firstEventMs, target, attempts };
}

/** Opens a stream on one target and waits for its first event. */
export async function openStreamAttempt<O extends StreamingOperation>(
  target: RouteTarget,
  operation: O,
  request: RequestOf<O>,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
  onSkippedFrame?: SkippedFrameObserver,
): Promise<{ events: AsyncIterable<StreamEvent>; firstEventMs: number }> {
  const upstream = target.upstream;
  const started = performance.now();
  if (needsPromptFanOut(target, operation, request)) {
    const { prompt } = request as RequestOf<"completions">;
    throw promptListStreamError(target, prompt.length);
  }
  let events: AsyncIterable<StreamEvent>;
  if (upstream.transport === "in-process") {
    const perform = upstream.operations[operation];
    if (perform === undefined) throw cannotServe(upstream.providerDisplayName, operation);
    events = responseToEvents(await perform(request, signal));
  } else {
    if (target.pool === undefined)
      throw new GatewayError("internal_error", `Target ${target.label} has no connection pool.`);
    events = await openHttpStream(
      upstream,
      target.pool,
      operation,
      request as never,
      signal,
      timeouts,
      onSkippedFrame,
    );
  }
  const committed = await awaitFirstToken(events);
  return { events: committed, firstEventMs: performance.now() - started };
}
