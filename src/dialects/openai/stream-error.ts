import { classifyUpstreamError, GatewayError } from "../../canonical/index.js";
import { isRecord } from "../narrow.js";
import { OPENAI_ERROR_SIGNALS, readOpenAIErrorFields } from "./error-signals.js";

/**
 * An in-band `{"error": {...}}` chunk, how OpenAI and compatible servers report a failure after the 200 status
 * was sent. A rate-limit error keeps its meaning; anything else is an upstream error with the upstream's message.
 */
export function upstreamStreamError(message: string | undefined, error: unknown): GatewayError {
  const details = isRecord(error) ? error : {};
  const rateLimited =
    details.code === "rate_limit_exceeded" || details.type === "requests" || details.type === "tokens";
  const text = message ?? "The upstream reported an error in the stream.";
  const failureKind = rateLimited
    ? "rate_limited"
    : classifyUpstreamError(undefined, readOpenAIErrorFields({ error }), OPENAI_ERROR_SIGNALS.signals);
  return new GatewayError(rateLimited ? "rate_limited" : "upstream_http_error", text, { failureKind });
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
