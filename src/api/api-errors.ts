import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { errorBody } from "./error-format.js";
import { errorFormatFor } from "./error-formats.js";
import { allowedMethods } from "./method-not-allowed.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import { toGatewayError } from "./to-gateway-error.js";

/**
 * Every error the gateway answers over HTTP goes through here, in the format of the API whose path was asked
 * (error-formats.ts): errors thrown by handlers, Fastify's own (malformed JSON, 413, 415, a URL that cannot be
 * decoded), unknown paths (404) and wrong methods (405 with `Allow`), and requests that arrive while the gateway
 * shuts down (503). Server-side failures are logged with their cause; the client gets the catalogue message only,
 * never a stack trace, and the request's id (errorBody). Node's connection-level errors (408, 431) are answered
 * in client-errors.ts.
 */
export function useApiErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => sendApiError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = allowedMethods(app, path);
    if (allowed.length > 0) {
      reply.header("allow", allowed.join(", "));
      return sendApiError(
        request,
        reply,
        new GatewayError(
          "method_not_allowed",
          `Method Not Allowed: ${request.method} ${path} is not served; this path accepts ${allowed.join(", ")}.`,
        ),
      );
    }
    return sendApiError(
      request,
      reply,
      new GatewayError("not_found", `Not Found: no ${request.method} ${path} on this gateway. See /docs.`),
    );
  });
  // Fastify's own 503 during shutdown is in its format; this answers the same refusal in the API's.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onRequest", (_request, _reply, done) => {
    if (!closing) return done();
    done(new GatewayError("shutting_down", "The gateway is shutting down; retry on another instance."));
  });
}

/**
 * Fastify's `frameworkErrors` option: a URL it cannot route (bad percent-encoding, a too long parameter). Such a
 * request skips every hook, so the id header is set here.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header(REQUEST_ID_HEADER, request.id);
  void sendApiError(request, reply, error);
}

function sendApiError(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply {
  const error = toGatewayError(thrown, request.server.initialConfig.bodyLimit);
  // Undefined, not null, in an app without the request observer (and for a request Fastify refused early).
  if (request.observation) request.observation.errorKind = error.code;
  if (error.code === "internal_error") request.log.error({ err: thrown }, "request failed");
  else if (error.status >= 500) request.log.warn({ code: error.code, status: error.status }, error.message);
  if (error.retryAfterSeconds !== undefined) reply.header("retry-after", String(error.retryAfterSeconds));
  const format = errorFormatFor(request.url);
  return reply.status(format.status(error)).send(errorBody(format, error, request.id));
}
