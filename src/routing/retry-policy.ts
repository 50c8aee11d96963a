import { type GatewayError, isGatewayError } from "../canonical/index.js";
import type { RetrySettings } from "../config/resilience-settings.js";

/** 529 is not in the HTTP registry but is what an overloaded API answers, e.g. Anthropic's `overloaded_error`
 * (https://docs.anthropic.com/en/api/errors), its most common failure: another target can serve meanwhile. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504, 529]);

/**
 * Whether another attempt (a retry, or the next target) may succeed where this one failed: rate limits, server
 * errors, connection failures, timeouts and unreadable answers. A 4xx other than 429 is the request's own fault
 * and would fail everywhere, so it is never retried.
 */
export function isRetryable(error: unknown): error is GatewayError {
  if (!isGatewayError(error)) return false;
  switch (error.code) {
    case "upstream_http_error":
      return RETRYABLE_STATUSES.has(error.status);
    case "upstream_timeout":
    case "upstream_unreachable":
    case "upstream_invalid_response":
      return true;
    default:
      return false;
  }
}

/**
 * How long to wait before retry number `retry` (0 for the first): the upstream's Retry-After when it gave one,
 * else exponential backoff with full jitter (a random wait up to the doubled base), which keeps clients that
 * failed together from retrying together.
 */
export function retryDelayMs(
  error: GatewayError,
  settings: RetrySettings,
  retry: number,
  random: () => number = Math.random,
): number {
  if (error.retryAfterSeconds !== undefined) return error.retryAfterSeconds * 1000;
  const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** retry);
  return random() * ceiling;
}
