import type { FastifyError, FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { encodeOpenAIError, openAIStatus } from "../dialects/openai/error-encoder.js";
import { toGatewayError } from "./to-gateway-error.js";

/**
 * Errors of the OpenAI-compatible API in OpenAI's envelope, with the statuses the official SDKs map to their
 * error classes; `Retry-After` is passed on so that SDK retries wait as long as the upstream asked.
 */
export function useOpenAIErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const gatewayError = toGatewayError(error, request.routeOptions.bodyLimit);
    if (gatewayError.code === "internal_error") request.log.error({ err: error }, "request failed");
    else if (gatewayError.status >= 500) {
      request.log.warn({ code: gatewayError.code, status: gatewayError.status }, gatewayError.message);
    }
    if (gatewayError.retryAfterSeconds !== undefined)
      reply.header("retry-after", String(gatewayError.retryAfterSeconds));
    return reply.status(openAIStatus(gatewayError)).send(encodeOpenAIError(gatewayError));
  });
  scope.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    const error = new GatewayError(
      "not_found",
      `Unknown request URL: ${request.method} ${path}. See /docs for this gateway's API.`,
    );
    return reply.status(404).send(encodeOpenAIError(error));
  });
}
