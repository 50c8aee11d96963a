import type { FastifyReply } from "fastify";
import type { Route } from "../routing/route-table.js";
import type { ContinuationObserver } from "../routing/stream-continuation.js";
import { attemptFailure } from "./attempt-observer.js";

/**
 * What a request learns of the targets asked to continue its broken stream (mid-stream continuation): each one
 * that could not is logged, and every one called is an attempt of the request's usage record, in order (the
 * ones that failed, then the one that continued, with the usage it reported: its share of the answer's).
 */
export function continuationObserver(reply: FastifyReply, route: Route): ContinuationObserver {
  return {
    failed(target, error, attempted) {
      reply.log.warn(
        { route: route.name, target: target.label, err: error },
        `could not continue the stream on ${target.label}`,
      );
      const observation = reply.request.observation;
      if (!attempted || observation === null) return;
      observation.continuationAttempts ??= [];
      observation.continuationAttempts.push({ target, failure: attemptFailure(error), usage: undefined });
    },
    opened(target) {
      const observation = reply.request.observation;
      if (observation === null) return;
      // The rest of the answer is this target's, and priced at its price (call-account.ts: costOfCall).
      observation.call.continuedOn = target;
      observation.continuationAttempts ??= [];
      observation.continuationAttempts.push({ target, usage: undefined });
    },
    reported(target, usage) {
      const attempt = reply.request.observation?.continuationAttempts?.at(-1);
      if (attempt?.target === target) attempt.usage = usage;
    },
  };
}
