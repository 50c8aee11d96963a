import type { IncomingHttpHeaders } from "node:http";
import { classifyUpstreamError, GatewayError } from "../canonical/index.js";
import type { HttpUpstreamTarget } from "../providers/upstream-target.js";
import { parseRetryAfter } from "./retry-after.js";

/**
 * Reads a complete upstream answer body: JSON by content type; plain text becomes `{message}` (some servers send
 * plain-text errors); anything else (an HTML error page from a proxy, say) is an invalid response.
 */
export function decodeUpstreamBody(
  target: HttpUpstreamTarget,
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
): unknown {
  const contentType = String(headers["content-type"] ?? "");
  if (/\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new GatewayError(
        "upstream_invalid_response",
        `${target.providerDisplayName} answered HTTP ${status} with a body that is not valid JSON.`,
        { cause: error },
      );
    }
  }
  if (/^text\/plain\b/i.test(contentType)) return { message: text };
  throw new GatewayError(
    "upstream_invalid_response",
    `${target.providerDisplayName} answered HTTP ${status} with content type '${contentType || "none"}', not JSON.`,
  );
}

/**
 * An upstream's error answer, passed on with its status, its message and its Retry-After, and classified for
 * routing by the upstream's dialect (context length, content filter, ...). Without a message, the body itself is
 * passed on, as MLflow does. Upstreams echo keys: what the gateway sends and logs is redacted on the way out
 * (observability/secret-set.ts).
 */
export function upstreamHttpError(
  target: HttpUpstreamTarget,
  status: number,
  headers: IncomingHttpHeaders,
  body: unknown,
): GatewayError {
  const upstreamMessage = target.decodeErrorMessage(body);
  const retryAfterSeconds = parseRetryAfter(headers["retry-after"]) ?? target.decodeErrorRetryAfter?.(body);
  const message =
    upstreamMessage === undefined
      ? `${target.providerDisplayName} answered HTTP ${status} without an error message.`
      : upstreamMessage;
  const signals = target.errorSignals;
  const failureKind = classifyUpstreamError(
    status,
    signals?.readFields(body) ?? (upstreamMessage === undefined ? {} : { message: upstreamMessage }),
    signals?.signals ?? [],
  );
  return new GatewayError("upstream_http_error", message, {
    upstreamStatus: status,
    failureKind,
    upstreamBody: upstreamMessage === undefined ? body : undefined,
    upstream: { provider: target.providerDisplayName, ...(target.decodeErrorDetails?.(body) ?? {}) },
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}
