import type { FastifyRequest } from "fastify";
import { isGatewayError } from "../canonical/index.js";
import type { AttemptFailure, AttemptObserver } from "../routing/resilient-call.js";
import type { RouteTarget } from "../routing/route-table.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Wraps each upstream attempt of this request in a trace span; null when tracing is off. */
    attemptTracing: AttemptTracing | null;
  }
}

/** What tracing does around each attempt (see observability/tracing/). */
export interface AttemptTracing {
  run<T>(target: RouteTarget, attempt: number, work: () => Promise<T>): Promise<T>;
  failed(target: RouteTarget, attempt: number, error: unknown): void;
}

/** Failures that say something about the upstream (the ones worth a warning), as opposed to the request's own. */
const UPSTREAM_FAILURES = new Set(["upstream_timeout", "upstream_unreachable", "upstream_invalid_response"]);

/**
 * The request's attempt observer: records which target served after how many attempts in the request's
 * observation, logs every failed upstream attempt and every failure the route recovered from, with its kind and
 * what came next (route, target, upstream status; never a key: messages are redacted and the config is not
 * logged), warns when panic mode sends a request to an open circuit, and lets tracing wrap each attempt.
 */
export function attemptRecorder(request: FastifyRequest): AttemptObserver {
  const tracing = request.attemptTracing;
  const observer: AttemptObserver = {
    started(target, attempt) {
      const observation = request.observation;
      if (observation === null) return;
      // Accounting prices the request at the target that served it (the last one tried).
      observation.call.target = target;
      observation.target = target.label;
      observation.provider = target.upstream.providerName;
      observation.model = target.upstream.model;
      observation.attempts = attempt;
    },
    failed(target, attempt, error, cancelled, failure) {
      tracing?.failed(target, attempt, error);
      recordFailedAttempt(request, target, error, cancelled);
      if (!cancelled) logFailedAttempt(request, target, attempt, error, failure);
    },
    panicked(target) {
      const route = request.observation?.route ?? "";
      request.server.log.warn(
        { request_id: request.id, route, target: target.label },
        `every target of route '${route}' has an open circuit; trying ${target.label} anyway (panic mode)`,
      );
    },
  };
  // Governance first (a pricier fallback may not fit the budget: it is then not called), inside the trace's span.
  const retarget = request.observation?.call.retarget;
  const governed =
    retarget === undefined
      ? undefined
      : <T>(target: RouteTarget, work: () => Promise<T>) =>
          async () => {
            await retarget(target);
            return work();
          };
  if (tracing !== null)
    observer.run = (target, attempt, work) =>
      tracing.run(target, attempt, governed === undefined ? work : governed(target, work));
  else if (governed !== undefined) observer.run = (target, _attempt, work) => governed(target, work)();
  return observer;
}

/** The failed attempt in the request's observation, for its usage record. */
function recordFailedAttempt(
  request: FastifyRequest,
  target: RouteTarget,
  error: unknown,
  cancelled: boolean,
): void {
  const observation = request.observation;
  if (!observation) return;
  const failure = cancelled ? CANCELLED : attemptFailure(error);
  observation.failedAttempts ??= [];
  observation.failedAttempts.push({
    provider: target.upstream.providerName,
    target: target.label,
    model: target.upstream.model,
    status: failure.status,
    error_kind: failure.errorKind,
    // It failed before its answer began: nothing of it was used.
    usage: null,
    cost_nano_usd: null,
  });
}

const CANCELLED = { status: 499, errorKind: "client_closed_request" };

/** How an attempt failed, as the usage log lists it: the upstream's status (or the gateway's for it), the code. */
export function attemptFailure(error: unknown): { status: number; errorKind: string } {
  const gatewayError = isGatewayError(error) ? error : undefined;
  return {
    status: gatewayError?.upstreamStatus ?? gatewayError?.status ?? 502,
    errorKind: gatewayError?.code ?? "internal_error",
  };
}

function logFailedAttempt(
  request: FastifyRequest,
  target: RouteTarget,
  attempt: number,
  error: unknown,
  failure: AttemptFailure | undefined,
): void {
  if (!isGatewayError(error)) return;
  // A failure the route recovers from is always logged (it would be silent otherwise); one that ends the
  // request, when it says something about the upstream (the answer says the rest).
  const recovered = failure !== undefined && failure.next !== "fail";
  if (!recovered && error.upstreamStatus === undefined && !UPSTREAM_FAILURES.has(error.code)) return;
  const route = request.observation?.route;
  const entry = {
    request_id: request.id,
    route,
    target: target.label,
    attempt,
    code: error.code,
    ...(error.upstreamStatus === undefined ? {} : { upstream_status: error.upstreamStatus }),
    ...(failure === undefined ? {} : { failure: failure.kind ?? "other", next: failure.next }),
  };
  const what =
    error.upstreamStatus === undefined ? error.code.replaceAll("_", " ") : `HTTP ${error.upstreamStatus}`;
  request.server.log.warn(
    entry,
    `upstream ${target.label} failed (${what}) on attempt ${attempt} of route '${route}': ${error.message}${nextStep(failure)}`,
  );
}

const NEXT_STEP = {
  retry: "retrying the same target",
  fallback: "moving on to the next target",
  fail: "answering with this failure",
};

function nextStep(failure: AttemptFailure | undefined): string {
  return failure === undefined ? "" : ` (${failure.kind ?? "other"}); ${NEXT_STEP[failure.next]}`;
}
