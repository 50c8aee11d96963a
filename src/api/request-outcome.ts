import type { FastifyReply, FastifyRequest } from "fastify";
import type { GatewayMetrics } from "../observability/metrics.js";

/**
 * nginx's "client closed request": the client (or a proxy in front of the gateway) went away before its response
 * was complete, a stream included. Counted, so that abandoned requests show rather than vanish.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * The status a finished API request is counted with: its HTTP status, unless the response never finished (the
 * connection closed first: 499) or a stream that had already answered 200 ended with an error frame (the
 * error's status, set in `observation.outcomeStatus` by whoever wrote that frame).
 */
export function outcomeStatus(request: FastifyRequest, reply: FastifyReply): number {
  if (!reply.raw.writableFinished) return CLIENT_CLOSED_REQUEST;
  return request.observation?.outcomeStatus ?? reply.statusCode;
}

/**
 * Records one API request in the metrics, exactly once: called when its response finishes and again when its
 * connection closes, whichever comes first wins (the observation is cleared here). A request the client left
 * (499) has no response duration to observe.
 */
export function recordRequest(
  metrics: GatewayMetrics,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
): void {
  const observation = request.observation;
  if (observation === null) return;
  request.observation = null;
  const { api, route, provider, model } = observation;
  const finished = status !== CLIENT_CLOSED_REQUEST;
  const elapsedSeconds = reply.elapsedTime / 1000;
  metrics.inFlight.labels(route).value--;
  metrics.requests.labels(api, route, provider, String(status)).value++;
  if (finished) metrics.requestDuration.labels(api, route, provider).observe(elapsedSeconds);
  if (observation.upstreamMs !== undefined) {
    const upstreamSeconds = observation.upstreamMs / 1000;
    if (observation.streaming) {
      metrics.timeToFirstToken.labels(route, provider).observe(upstreamSeconds);
      if (observation.firstByteMs !== undefined) {
        const overheadMs = Math.max(0, observation.firstByteMs - observation.upstreamMs);
        metrics.gatewayOverhead.labels(api, route).observe(overheadMs / 1000);
      }
    } else {
      metrics.upstreamDuration.labels(route, provider).observe(upstreamSeconds);
      if (finished) {
        metrics.gatewayOverhead.labels(api, route).observe(Math.max(0, elapsedSeconds - upstreamSeconds));
      }
    }
  }
  if (observation.skippedFrames > 0)
    metrics.skippedFrames.labels(route, provider).value += observation.skippedFrames;
  const continuation = observation.continuation;
  if (continuation !== undefined) metrics.continuations.labels(route, continuation.to).value++;
  const usage = observation.usage;
  if (usage?.inputTokens != null) metrics.tokens.labels(route, model, "input").value += usage.inputTokens;
  if (usage?.outputTokens != null) metrics.tokens.labels(route, model, "output").value += usage.outputTokens;
}
