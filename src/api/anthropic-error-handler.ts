import type { FastifyError, FastifyInstance } from "fastify";
import { anthropicStatus, encodeAnthropicError } from "../dialects/anthropic/error-encoder.js";
import { toGatewayError } from "./to-gateway-error.js";

/**
 * Errors of the Anthropic Messages API in Anthropic's envelope (https://docs.anthropic.com/en/api/errors), with
 * the statuses the official SDKs map to their error classes; `Retry-After` is passed on so that SDK retries wait
 * as long as the upstream asked. Unknown paths under `/v1` are the OpenAI API's (one not-found handler per prefix).
 */
export function useAnthropicErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === "internal_error") request.log.error({ err: error }, "request failed");
    else if (gatewayError.status >= 500) {
      request.log.warn({ code: gatewayError.code, status: gatewayError.status }, gatewayError.message);
    }
    if (gatewayError.retryAfterSeconds !== undefined)
      reply.header("retry-after", String(gatewayError.retryAfterSeconds));
    return reply.status(anthropicStatus(gatewayError)).send(encodeAnthropicError(gatewayError));
  });
}
