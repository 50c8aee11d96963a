import { GatewayError, isGatewayError } from "../canonical/index.js";
import { StoreUnavailableError } from "../governance/store/governance-store.js";

/**
 * Turns anything a handler or Fastify threw into a GatewayError. Fastify's own errors (unparseable JSON,
 * unsupported content type, body too large) become clear client errors; anything unexpected becomes a bare
 * 500 whose message reveals nothing of the internals (the details go to the log only).
 */
export function toGatewayError(error: unknown, bodyLimitBytes?: number): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof StoreUnavailableError)
    return new GatewayError(
      "governance_unavailable",
      "The governance store (keys, groups, audit log) is unavailable right now; retry shortly.",
      { retryAfterSeconds: 1, cause: error },
    );
  const fastifyError = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  switch (fastifyError.code) {
    // Node's "aborted": the client closed the connection while its request body was still coming.
    case "ECONNRESET":
      return new GatewayError(
        "client_closed_request",
        "The client closed the connection before the request was complete.",
        { cause: error },
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new GatewayError(
        "unsupported_content_type",
        "Unsupported content type: send the request body as JSON with the header 'Content-Type: application/json'.",
        { cause: error },
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new GatewayError("invalid_json", "The request body is empty: send a JSON object.", {
        cause: error,
      });
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new GatewayError("body_too_large", bodyTooLargeMessage(bodyLimitBytes), { cause: error });
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new GatewayError("invalid_json", "The request body is not valid JSON.", { cause: error });
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new GatewayError(
        "bad_request",
        "The request body's length does not match its Content-Length header.",
        { cause: error },
      );
    case "FST_ERR_BAD_URL":
      return new GatewayError(
        "invalid_url",
        "The URL cannot be decoded: a '%' must start a valid percent-encoded UTF-8 sequence.",
        { cause: error },
      );
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new GatewayError("uri_too_long", "A name in the URL is longer than the gateway accepts.", {
        cause: error,
      });
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new GatewayError("invalid_json", `The request body is not valid JSON (${error.message}).`, {
      cause: error,
    });
  }
  return new GatewayError(
    "internal_error",
    "Internal error: the gateway failed to handle the request. The details are in its log.",
    {
      cause: error,
    },
  );
}

/** Says the limit and the setting that raises it, so that whoever hits it knows what to ask for. */
function bodyTooLargeMessage(limitBytes: number | undefined): string {
  if (limitBytes === undefined)
    return "The request body is larger than the gateway accepts (server.max_body_bytes).";
  return `The request body is larger than the gateway accepts: at most ${limitBytes} bytes (${formatBytes(limitBytes)}), set by server.max_body_bytes in the gateway's config.`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} B`;
}
