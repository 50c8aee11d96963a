import type { FastifyReply, FastifyRequest } from "fastify";
import type { Operation, StreamContinuation, Usage } from "../canonical/index.js";
import { type CallRequest, GovernedCall } from "../governance/governed-call.js";
import type { Principal } from "../governance/principal.js";
import type { AttemptEntry, BrokenStream, ContinuationAttempt } from "../governance/usage/usage-attempts.js";
import type { UsageLogClient } from "../governance/usage/usage-log-client.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { Route } from "../routing/route-table.js";
import type { HeaderSink } from "./header-sink.js";
import { attributeRequest } from "./request-attribution.js";
import { recordRequest } from "./request-metrics.js";

/** What the gateway learns about one API request while answering it: the source of its metrics and timings. */
export interface RequestObservation {
  api: string;
  route: string;
  /** The route's type (`llm/v1/chat`). */
  routeType: string;
  /** What the route does (`chat`, `completions`, `embeddings`). */
  operation: Operation;
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
  /** The usage the upstream reported, once known (the same as `call.usage`: governance settles with it). */
  usage: Usage | undefined;
  /** The model the upstream says answered, and each choice's finish reason, when known (for traces). */
  responseModel: string | undefined;
  finishReasons: string[] | undefined;
  /**
   * The status the request ended with when it differs from the HTTP status: a stream answered 200 and then
   * ended with an error frame ends as that error's status (in metrics, the access log and the trace).
   */
  outcomeStatus: number | undefined;
  /** Stream frames that could not be read and were skipped. */
  skippedFrames: number;
  /** The stream broke and was continued on another target. */
  continuation: StreamContinuation | undefined;
  /** The error the request ended with (its code: `upstream_timeout`, `rate_limited`, ...), if it did. */
  errorKind: string | undefined;
  /** The attempts that failed before the answer (or before the failure the client got), in order. */
  failedAttempts: AttemptEntry[] | undefined;
  /** The stream that served broke and was continued (mid-stream continuation): why, and what it had reported. */
  brokenStream: BrokenStream | undefined;
  /** The targets asked to continue a broken stream, in order: those that failed, then the one that did. */
  continuationAttempts: ContinuationAttempt[] | undefined;
  /** The route's first target (`provider/model`): an answer from another one is a fallback. */
  readonly firstTarget: string | undefined;
  /** The request as limits, budgets and the usage log see it; routing admits and settles it. */
  readonly call: GovernedCall;
}

declare module "fastify" {
  interface FastifyRequest {
    observation: RequestObservation | null;
    /** Bytes the connection had sent when this request arrived: the response's size is the difference. */
    socketBytesAtStart: number;
  }
  interface FastifyInstance {
    metrics: GatewayMetrics;
    /** Where finished requests' usage records go (none in apps built without one). */
    usageLog: UsageLogClient | null;
  }
}

/**
 * A class rather than an object literal: every request makes one, and a literal with the `usage` accessor would
 * get fresh accessor closures each time and a shape of its own, which makes every later read of it slow.
 */
class ObservedRequest implements RequestObservation {
  readonly route: string;
  readonly routeType: string;
  readonly operation: Operation;
  upstreamMs: number | undefined = undefined;
  streaming = false;
  target: string | undefined = undefined;
  attempts = 0;
  firstByteMs: number | undefined = undefined;
  responseModel: string | undefined = undefined;
  finishReasons: string[] | undefined = undefined;
  outcomeStatus: number | undefined = undefined;
  skippedFrames = 0;
  continuation: StreamContinuation | undefined = undefined;
  errorKind: string | undefined = undefined;
  failedAttempts: AttemptEntry[] | undefined = undefined;
  brokenStream: BrokenStream | undefined = undefined;
  continuationAttempts: ContinuationAttempt[] | undefined = undefined;
  readonly firstTarget: string | undefined;

  constructor(
    readonly api: string,
    route: Route,
    readonly provider: string,
    readonly model: string,
    readonly call: GovernedCall,
  ) {
    this.route = route.name;
    this.routeType = route.type;
    this.operation = route.operation;
    this.firstTarget = route.targets[0]?.label;
  }

  // Every place that learns a request's usage records it here; governance reads it from the same place.
  get usage(): Usage | undefined {
    return this.call.usage;
  }

  set usage(usage: Usage | undefined) {
    this.call.usage = usage;
  }
}

/**
 * Starts observing a request once its route is known: it counts as in flight from here until it ends
 * (request-outcome.ts: its response finished, or its connection closed first). Then reads who it is for and its
 * tags (request-attribution.ts), which throws the API's 400 for values out of bounds: the request is observed
 * first, so that such a refusal is counted and logged like any other bad input.
 */
export function observeRoute(reply: FastifyReply, api: string, route: Route): RequestObservation {
  const request = reply.request;
  const upstream = route.targets[0]?.upstream;
  const body = jsonBodyOf(request);
  const call = new GovernedCall(callRequestOf(request, api, body));
  const observation = new ObservedRequest(
    api,
    route,
    upstream?.providerName ?? "",
    upstream?.model ?? "",
    call,
  );
  request.observation = observation;
  const metrics = request.server.metrics;
  metrics.inFlight.labels(route.name).value++;
  // The client left before the route was known (an asynchronous hook in between): it ended already, so it is
  // counted now, with how it ended.
  if (request.endStatus !== null) recordRequest(metrics, request, reply, request.endStatus);
  attributeRequest(call, api, request.headers, body);
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
export function writeTargetHeaders(observation: RequestObservation | null, sink: HeaderSink): void {
  if (observation === null || observation.attempts === 0) return;
  sink.header("x-switchyard-attempts", String(observation.attempts));
  if (observation.target !== undefined) sink.header("x-switchyard-target", observation.target);
}

/** The bytes sent on the request's connection since it arrived: its response, headers included. */
export function responseBytes(request: FastifyRequest): number {
  return Math.max(0, (request.raw.socket?.bytesWritten ?? 0) - request.socketBytesAtStart);
}

/** The caller, once access control has identified one (gateway keys); none while the gateway is open. */
function principalOf(request: FastifyRequest): Principal | undefined {
  const principal = (request as { principal?: Principal | null }).principal;
  return principal ?? undefined;
}

/** The request's JSON body; one shared empty object for anything else. */
function jsonBodyOf(request: FastifyRequest): Record<string, unknown> {
  return typeof request.body === "object" && request.body !== null
    ? (request.body as Record<string, unknown>)
    : NO_BODY;
}

const NO_BODY: Record<string, unknown> = Object.freeze({});

/** What limits need of the request, read from its body lazily (most routes have no limits). */
function callRequestOf(request: FastifyRequest, api: string, body: Record<string, unknown>): CallRequest {
  return {
    api,
    principal: principalOf(request),
    streaming: body.stream === true,
    bodyBytes: () => {
      const declared = Number(request.headers["content-length"]);
      return Number.isFinite(declared) && declared > 0 ? declared : Buffer.byteLength(JSON.stringify(body));
    },
    requestedModel: () => (typeof body.model === "string" ? body.model : undefined),
    requestedServiceTier: () => (typeof body.service_tier === "string" ? body.service_tier : undefined),
    maxOutputTokens: () => {
      for (const field of ["max_tokens", "max_completion_tokens", "max_output_tokens"]) {
        const value = body[field];
        if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
      }
      return undefined;
    },
  };
}
