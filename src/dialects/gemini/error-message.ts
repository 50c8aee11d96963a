import { isRecord, optionalString } from "../narrow.js";

/**
 * Google's error envelope (https://cloud.google.com/apis/design/errors#http_mapping):
 * `{"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED", "details": [...]}}`. Some proxies
 * in front of Google wrap it in a one-element list; that is read too.
 */
export function decodeErrorMessage(body: unknown): string | undefined {
  const error = errorObject(body);
  if (error === undefined) return isRecord(body) ? optionalString(body.message) : undefined;
  return optionalString(error.message);
}

/**
 * Google says when to retry in a `google.rpc.RetryInfo` detail (`"retryDelay": "45.837906927s"`), not in a
 * Retry-After header (https://ai.google.dev/gemini-api/docs/rate-limits). Whole seconds, rounded up.
 */
export function decodeErrorRetryAfter(body: unknown): number | undefined {
  const details = errorObject(body)?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (!isRecord(detail) || !String(detail["@type"] ?? "").endsWith("google.rpc.RetryInfo")) continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(optionalString(detail.retryDelay) ?? "");
    if (match !== null) return Math.ceil(Number(match[1]));
  }
  return undefined;
}

function errorObject(body: unknown): Record<string, unknown> | undefined {
  const root = Array.isArray(body) && body.length === 1 ? body[0] : body;
  return isRecord(root) && isRecord(root.error) ? root.error : undefined;
}
