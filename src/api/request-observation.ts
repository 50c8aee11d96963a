import type { FastifyReply, FastifyRequest } from "fastify";
import type { StreamContinuation, Usage } from "../canonical/index.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { AttemptFailure, AttemptObserver } from "../routing/resilient-call.js";
import type { Route } from "../routing/route-table.js";
import { CLIENT_CLOSED_REQUEST, recordRequest } from "./request-outcome.js";

/** What the gateway learns about one API request while answering it: the source of its metrics and timings. */
export interface RequestObservation {
  api: string;
  route: string;
  provider: string;
  /** The configured upstream model (bounded by the config, unlike what upstreams report). */
  model: string;
  /** Time the upstream took for a whole answer, or until its first event for a stream. */
  upstreamMs: number | undefined;
  streaming: boolean;
  /** The target that served (`provider/model`) and the number of attempts it took, once known. */
  target: string | undefined;
  attempts: number;
  /** For streams: when the first byte went to the client, in ms since the request arrived. */
  firstByteMs: number | undefined;
  usage: Usage | undefined;
  /**
   * The status to count the request with when it differs from the HTTP status: a stream answered 200 and then
   * ended with an error frame counts as that error's status.
   */
  outcomeStatus: number | undefined;
  /** Stream frames that could not be read and were skipped. */
  skippedFrames: number;
  /** The stream broke and was continued on another target. */
  continuation: StreamContinuation | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    observation: RequestObservation | null;
  }
  interface FastifyInstance {
    metrics: GatewayMetrics;
  }
}

/**
 * Starts observing a request once its route is known: it counts as in flight from here until it is recorded,
 * when its response finishes (metrics-api.ts) or its connection closes before that (the client left: 499).
 */
export function observeRoute(reply: FastifyReply, api: string, route: Route): RequestObservation {
  const request = reply.request;
  const upstream = route.targets[0]?.upstream;
  const observation: RequestObservation = {
    api,
    route: route.name,
    provider: upstream?.providerName ?? "",
    model: upstream?.model ?? "",
    upstreamMs: undefined,
    streaming: false,
    target: undefined,
    attempts: 0,
    firstByteMs: undefined,
    usage: undefined,
    outcomeStatus: undefined,
    skippedFrames: 0,
    continuation: undefined,
  };
  request.observation = observation;
  const metrics = request.server.metrics;
  metrics.inFlight.labels(route.name).value++;
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) recordRequest(metrics, request, reply, CLIENT_CLOSED_REQUEST);
  });
  return observation;
}

/** `Server-Timing` (https://www.w3.org/TR/server-timing/): the gateway's own time and the upstream's. */
export function serverTimingHeader(elapsedMs: number, observation: RequestObservation | null): string {
  const upstreamMs = observation?.upstreamMs;
  if (upstreamMs === undefined) return `gateway;dur=${elapsedMs.toFixed(3)}`;
  const upstreamName = observation?.streaming === true ? "ttft" : "upstream";
  return `gateway;dur=${Math.max(0, elapsedMs - upstreamMs).toFixed(3)}, ${upstreamName};dur=${upstreamMs.toFixed(3)}`;
}

/** Headers naming the target that served and how many attempts it took (retries and fallbacks included). */
export function targetHeaders(observation: RequestObservation | null): Record<string, string> {
  if (observation === null || observation.attempts === 0) return {};
  const headers: Record<string, string> = { "x-switchyard-attempts": String(observation.attempts) };
  if (observation.target !== undefined) headers["x-switchyard-target"] = observation.target;
  return headers;
}

/**
 * Records each attempt in the request's observation (the last one tried is the one that served) and logs every
 * failure the route recovered from, with what came next: an attempt that failed is never silent.
 */
export function attemptRecorder(request: FastifyRequest): AttemptObserver {
  return {
    started(target, attempt) {
      const observation = request.observation;
      if (observation === null) return;
      observation.target = target.label;
      observation.provider = target.upstream.providerName;
      observation.model = target.upstream.model;
      observation.attempts = attempt;
    },
    failed(failure) {
      // A failure that ends the request is logged once, with the answer (api-errors.ts).
      if (failure.next === "fail") return;
      request.log.warn(failureEntry(request, failure), failureMessage(request, failure));
    },
    panicked(target) {
      const route = request.observation?.route ?? "";
      request.log.warn(
        { route, target: target.label },
        `every target of route '${route}' has an open circuit; trying ${target.label} anyway (panic mode)`,
      );
    },
  };
}

const NEXT_STEP = {
  retry: "retrying the same target",
  fallback: "moving on to the next target",
  fail: "answering with this failure",
};

function failureEntry(request: FastifyRequest, failure: AttemptFailure): Record<string, unknown> {
  return {
    route: request.observation?.route,
    target: failure.target.label,
    attempt: failure.attempt,
    failure: failure.kind ?? "other",
    next: failure.next,
  };
}

function failureMessage(request: FastifyRequest, failure: AttemptFailure): string {
  const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
  return `attempt ${failure.attempt} of route '${request.observation?.route ?? ""}' on ${failure.target.label} failed (${failure.kind ?? "other"}): ${reason}; ${NEXT_STEP[failure.next]}`;
}
