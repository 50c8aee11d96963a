import {
  type Attributes,
  type Context,
  context,
  type HrTime,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isGatewayError, type Operation } from "../canonical/index.js";
import type { RouteTarget } from "../routing/route-table.js";
import type { AttemptTracing } from "./attempt-observer.js";
import { CLIENT_CLOSED_REQUEST, type RequestWatcher } from "./request-outcome.js";

/**
 * GenAI operation names of the OpenTelemetry semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/).
 */
const GEN_AI_OPERATION: Record<Operation, string> = {
  chat: "chat",
  completions: "text_completion",
  embeddings: "embeddings",
};

interface RequestTrace {
  span: Span;
  parent: Context;
  /** The span of the attempt that served (kept open until the response, or the stream, ends). */
  serving: Span | undefined;
  /** The span of the attempt under way, ended when it fails. */
  current: Span | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    requestTrace: RequestTrace | null;
  }
}

/**
 * Traces every request: a server span (continuing the caller's W3C trace context) and, inside it, a client span
 * per upstream attempt with the GenAI semantic-convention attributes; the serving attempt's span ends with the
 * request (request-outcome.ts: when its response, or stream, has ended, or its client left), so a stream's span
 * covers the whole stream. Used only when tracing is configured.
 */
export function requestTracing(app: FastifyInstance): RequestWatcher {
  const tracer = trace.getTracer("switchyard");
  app.decorateRequest("requestTrace", null);
  return {
    started(request) {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const route = request.routeOptions.url;
      const attributes: Attributes = {
        "http.request.method": request.method,
        "url.path": request.url.split("?")[0],
        "url.scheme": request.protocol,
        "client.address": request.ip,
        "switchyard.request_id": request.id,
      };
      if (route !== undefined) attributes["http.route"] = route;
      const userAgent = request.headers["user-agent"];
      if (userAgent !== undefined) attributes["user_agent.original"] = userAgent;
      const span = tracer.startSpan(
        route === undefined ? request.method : `${request.method} ${route}`,
        { kind: SpanKind.SERVER, attributes },
        parent,
      );
      const requestTrace: RequestTrace = {
        span,
        parent: trace.setSpan(parent, span),
        serving: undefined,
        current: undefined,
      };
      request.requestTrace = requestTrace;
      request.attemptTracing = attemptTracing(request, requestTrace);
    },
    ended: endRequest,
  };
}

function attemptTracing(request: FastifyRequest, requestTrace: RequestTrace): AttemptTracing {
  const tracer = trace.getTracer("switchyard");
  return {
    run(target, attempt, work) {
      const operation = GEN_AI_OPERATION[request.observation?.operation ?? "chat"];
      const span = tracer.startSpan(
        `${operation} ${target.upstream.model}`,
        { kind: SpanKind.CLIENT, attributes: attemptAttributes(target, attempt, operation) },
        requestTrace.parent,
      );
      requestTrace.current = span;
      return context.with(trace.setSpan(requestTrace.parent, span), work).then((value) => {
        requestTrace.current = undefined;
        requestTrace.serving = span;
        return value;
      });
    },
    failed(_target, _attempt, error) {
      const span = requestTrace.current;
      if (span === undefined) return;
      requestTrace.current = undefined;
      markFailed(span, error);
      span.end();
    },
  };
}

function attemptAttributes(target: RouteTarget, attempt: number, operation: string): Attributes {
  const upstream = target.upstream;
  const attributes: Attributes = {
    "gen_ai.operation.name": operation,
    "gen_ai.provider.name": upstream.providerName,
    "gen_ai.request.model": upstream.model,
    "switchyard.attempt": attempt,
    "switchyard.target": target.label,
  };
  if (upstream.transport === "http") {
    const origin = new URL(upstream.origin);
    attributes["server.address"] = origin.hostname;
    attributes["server.port"] = Number(origin.port || (origin.protocol === "https:" ? 443 : 80));
  }
  return attributes;
}

function markFailed(span: Span, error: unknown): void {
  if (isGatewayError(error)) {
    span.setAttribute(
      "error.type",
      error.upstreamStatus === undefined ? error.code : String(error.upstreamStatus),
    );
    if (error.upstreamStatus !== undefined)
      span.setAttribute("http.response.status_code", error.upstreamStatus);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.setAttribute("error.type", "internal_error");
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

/**
 * Ends the serving attempt's span (with what the answer said) and the request's span. `status` is how the request
 * ended; the HTTP status is what went on the wire, which differs for a stream that answered 200 and then broke
 * (an error frame: the error's status) or was left by its client (499).
 */
function endRequest(request: FastifyRequest, reply: FastifyReply, status: number): void {
  const requestTrace = request.requestTrace;
  if (requestTrace === null) return;
  request.requestTrace = null;
  const observation = request.observation;
  const httpStatus = reply.raw.headersSent ? reply.raw.statusCode : status;
  const cutShort =
    status === httpStatus ? undefined : status === CLIENT_CLOSED_REQUEST ? "client_closed" : String(status);
  const serving = requestTrace.serving;
  if (serving !== undefined) {
    if (observation?.responseModel !== undefined)
      serving.setAttribute("gen_ai.response.model", observation.responseModel);
    const usage = observation?.usage;
    if (usage?.inputTokens != null) serving.setAttribute("gen_ai.usage.input_tokens", usage.inputTokens);
    if (usage?.outputTokens != null) serving.setAttribute("gen_ai.usage.output_tokens", usage.outputTokens);
    if (observation?.finishReasons !== undefined)
      serving.setAttribute("gen_ai.response.finish_reasons", observation.finishReasons);
    // The answer (or stream) was cut short: the client left, or the stream broke after its first byte.
    const servingCut = status === CLIENT_CLOSED_REQUEST ? "client_closed" : cutShort;
    if (servingCut !== undefined) serving.setAttribute("error.type", servingCut);
    if (cutShort !== undefined && status >= 500) serving.setStatus({ code: SpanStatusCode.ERROR });
    serving.end();
  }
  // An attempt still under way when the client left.
  requestTrace.current?.end();
  const span = requestTrace.span;
  // Each span anchors its clock at its own start (to the millisecond), so two spans ended one after the other can
  // disagree by up to a millisecond: the request's span ends at the serving attempt's end, never before it.
  const servingEnd = serving === undefined ? undefined : endTimeOf(serving);
  span.setAttribute("http.response.status_code", httpStatus);
  if (cutShort !== undefined) span.setAttribute("error.type", cutShort);
  if (observation !== null) span.setAttribute("switchyard.route", observation.route);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(servingEnd);
}

/** When an ended span ended: the SDK's spans say it (ReadableSpan.endTime), the API's Span type does not. */
function endTimeOf(span: Span): HrTime | undefined {
  const endTime = (span as { endTime?: unknown }).endTime;
  return Array.isArray(endTime) && endTime.length === 2 && (endTime[0] > 0 || endTime[1] > 0)
    ? (endTime as HrTime)
    : undefined;
}
