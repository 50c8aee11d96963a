import { classifyUpstreamError, GatewayError } from "../../canonical/index.js";
import { decodeUpstreamErrorBody } from "./error-message.js";
import { OPENAI_ERROR_SIGNALS } from "./error-signals.js";

/**
 * An in-band error chunk, how OpenAI and compatible servers report a failure after the 200 status was sent:
 * OpenAI's `{"error": {...}}`, OpenRouter's `{"error": {"code": 502, "message"}, "choices": [...]}`, vLLM's and
 * TGI's `{"error": "...", "error_type": "..."}`. A rate-limit error keeps its meaning; anything else is an upstream
 * error with the upstream's message, type and code, and the failure kind its signals say (for the route's
 * failure policy). `provider` names the upstream, when known.
 */
export function upstreamStreamError(payload: unknown, provider?: string): GatewayError {
  const said = decodeUpstreamErrorBody(payload);
  const rateLimited =
    said.code === "rate_limit_exceeded" ||
    said.code === "429" ||
    said.type === "requests" ||
    said.type === "tokens";
  const text = said.message ?? "The upstream reported an error in the stream.";
  const { message: _message, ...details } = said;
  const failureKind = rateLimited
    ? "rate_limited"
    : classifyUpstreamError(undefined, said, OPENAI_ERROR_SIGNALS.signals);
  return new GatewayError(rateLimited ? "rate_limited" : "upstream_http_error", text, {
    failureKind,
    ...(provider === undefined ? {} : { upstream: { provider, ...details } }),
  });
}

/** A stream chunk whose data is not JSON: the upstream broke its stream. */
export function unreadableChunkError(data: string, cause: unknown): GatewayError {
  return new GatewayError(
    "upstream_invalid_response",
    `The upstream returned a response the gateway cannot read: a stream chunk is not valid JSON (${preview(data)}).`,
    { cause },
  );
}

/** The start of a bad data line, for the error message: enough to recognise it, short enough for a log. */
function preview(data: string): string {
  return JSON.stringify(data.length > 80 ? `${data.slice(0, 80)}...` : data);
}
