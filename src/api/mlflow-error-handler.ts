import type { FastifyError, FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { encodeMlflowError } from "../dialects/mlflow/error-encoder.js";
import { toGatewayError } from "./to-gateway-error.js";

/**
 * Errors in the MLflow API's format, `{"detail": ...}`. Server-side failures are logged with their cause; the
 * client gets the catalogue message only, never a stack trace.
 */
export function useMlflowErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const gatewayError = toGatewayError(error, request.routeOptions.bodyLimit);
    if (gatewayError.code === "internal_error") request.log.error({ err: error }, "request failed");
    else if (gatewayError.status >= 500)
      request.log.warn({ code: gatewayError.code, status: gatewayError.status }, gatewayError.message);
    if (gatewayError.retryAfterSeconds !== undefined)
      reply.header("retry-after", String(gatewayError.retryAfterSeconds));
    return reply.status(gatewayError.status).send(encodeMlflowError(gatewayError));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new GatewayError(
      "not_found",
      `Not Found: no ${request.method} ${request.url.split("?")[0]} on this gateway. See /docs.`,
    );
    return reply.status(404).send(encodeMlflowError(error));
  });
}
