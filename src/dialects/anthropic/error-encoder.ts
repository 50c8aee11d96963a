import type { GatewayError } from "../../canonical/index.js";

/** Anthropic's error envelope (https://docs.anthropic.com/en/api/errors). */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id: string | null;
}

/** The error types Anthropic answers each status with (https://docs.anthropic.com/en/api/errors). */
const TYPE_OF_STATUS: Readonly<Record<number, string>> = {
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/**
 * Encodes a GatewayError in Anthropic's envelope. The gateway's own "overloaded" (every target paused, a route at
 * its in-flight limit) is Anthropic's `overloaded_error`; other statuses take the type Anthropic uses for them,
 * `invalid_request_error` for the rest of 4xx and `api_error` for the rest of 5xx. The SDKs choose their error
 * class by status, so the status is the gateway's (see anthropicStatus).
 */
export function encodeAnthropicError(
  error: GatewayError,
  requestId: string | null = null,
): AnthropicErrorBody {
  const status = anthropicStatus(error);
  const type =
    error.code === "overloaded"
      ? "overloaded_error"
      : (TYPE_OF_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"));
  return { type: "error", error: { type, message: error.message }, request_id: requestId };
}

/**
 * The HTTP status Anthropic would use: invalid parameters are 400 (the gateway's own validation errors are 422 in
 * the MLflow API, FastAPI's convention); an upstream's status is passed on as it is.
 */
export function anthropicStatus(error: GatewayError): number {
  return error.code !== "upstream_http_error" && error.status === 422 ? 400 : error.status;
}
