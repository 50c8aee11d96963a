import type { FastifyReply, FastifyRequest } from "fastify";
import type { GatewayMetrics } from "../observability/metrics.js";
import { recordGovernance } from "./governance-outcome.js";
import { CLIENT_CLOSED_REQUEST, type RequestWatcher } from "./request-outcome.js";

/**
 * Records API requests (those with an observation: a route was found) in the metrics when they end; RequestOutcomes
 * makes that exactly once. A request the client left (499) has no response duration to observe.
 */
export function requestMetrics(metrics: GatewayMetrics): RequestWatcher {
  return { ended: (request, reply, status) => recordRequest(metrics, request, reply, status) };
}

export function recordRequest(
  metrics: GatewayMetrics,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
): void {
  const observation = request.observation;
  if (observation === null) return;
  const { api, route, provider } = observation;
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
  // Tokens, cost, denials and the usage record: what governance accounted for the request.
  recordGovernance(metrics, request, observation, status, finished ? reply.elapsedTime : undefined);
}
