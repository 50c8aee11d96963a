import type { FastifyReply } from "fastify";
import type { GatewayError, StreamContinuation, Usage } from "../canonical/index.js";
import { attemptFailure } from "./attempt-observer.js";

/**
 * A stream frame that could not be read was skipped (lenient parsing): counted in the request's observation
 * (the `switchyard_stream_frames_skipped_total` metric) and logged, the first one per request only, so that an
 * upstream that sends garbage cannot flood the log.
 */
export function noteSkippedFrame(reply: FastifyReply, provider: string, reason: string): void {
  const observation = reply.request.observation;
  if (observation === null) return;
  observation.skippedFrames++;
  if (observation.skippedFrames > 1) return;
  reply.log.warn(
    { route: observation.route, target: observation.target, reason },
    `skipped an unreadable stream frame from ${provider}; the stream goes on`,
  );
}

/**
 * A broken stream was continued on another target: in the observation (for the metric, and for the usage log:
 * the failure that broke the stream and the usage it had reported, `usageSoFar`, its attempt's share) and the log.
 */
export function noteContinuation(
  reply: FastifyReply,
  continuation: StreamContinuation,
  failure: GatewayError,
  usageSoFar: Usage | undefined,
): void {
  const observation = reply.request.observation;
  if (observation !== null) {
    observation.continuation = continuation;
    observation.brokenStream = attemptFailure(failure);
    observation.call.usageBeforeContinuation = usageSoFar;
  }
  reply.log.warn(
    { route: observation?.route, ...continuation, error: failure.message },
    `stream from ${continuation.from} broke (${failure.code}); continued on ${continuation.to}`,
  );
}
