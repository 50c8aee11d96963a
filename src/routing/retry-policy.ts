import {
  type FailureKind,
  failureKindOfStatus,
  type GatewayError,
  isGatewayError,
  type PolicyFailureKind,
} from "../canonical/index.js";
import type { FailurePolicy } from "../config/failure-policy.js";
import type { RetrySettings } from "../config/resilience-settings.js";

/**
 * The kind of an attempt's failure: what the upstream's dialect read from its error (canonical/failure-kind.ts),
 * else what the error's code says. Undefined for failures that are not the upstream's (a request the gateway
 * refused, a bug): those end the request, whatever the policy.
 */
export function failureKindOf(error: unknown): FailureKind | undefined {
  if (!isGatewayError(error)) return undefined;
  if (error.failureKind !== undefined) return error.failureKind;
  switch (error.code) {
    case "upstream_http_error":
      return failureKindOfStatus(error.status);
    case "upstream_timeout":
      return "timeout";
    case "upstream_unreachable":
      return "connection";
    case "upstream_invalid_response":
      return "invalid_response";
    case "rate_limited":
      return "rate_limited";
    case "overloaded":
      return "overloaded";
    default:
      return undefined;
  }
}

/**
 * Whether a failure of this kind says the target is unwell (its circuit breaker counts it). A 4xx means the
 * target answered, and a refusal of the content or a context too long is about the request: neither is counted.
 */
export function countsAgainstTarget(kind: FailureKind | undefined): boolean {
  switch (kind) {
    case "rate_limited":
    case "overloaded":
    case "server_error":
    case "connection":
    case "timeout":
    case "invalid_response":
      return true;
    default:
      return false;
  }
}

export type FailoverStep = "retry" | "fallback" | "fail";

/**
 * What follows a failed attempt under the route's policy: the same target again (when its kind is in
 * `retry_on` and the target has attempts left), the next target (`fallback_on`, or a context too long with
 * `context_window_fallback`), or the end of the request with this failure.
 */
export function stepAfter(
  kind: FailureKind | undefined,
  policy: FailurePolicy,
  attemptsLeftOnTarget: boolean,
): FailoverStep {
  if (kind === undefined) return "fail";
  if (kind === "context_length") return policy.contextWindowFallback ? "fallback" : "fail";
  if (!isPolicyKind(kind)) return "fail";
  if (attemptsLeftOnTarget && policy.retryOn.includes(kind)) return "retry";
  return policy.fallbackOn.includes(kind) ? "fallback" : "fail";
}

function isPolicyKind(kind: FailureKind): kind is PolicyFailureKind {
  return kind !== "content_filter" && kind !== "prefill_rejected" && kind !== "context_length";
}

/**
 * How long to wait before retry number `retry` (0 for the first): the upstream's Retry-After when it gave one,
 * else exponential backoff with full jitter (a random wait up to the doubled base), which keeps clients that
 * failed together from retrying together. Undefined when the upstream asks for a longer wait than the route
 * allows (`max_backoff_seconds`): moving on serves the client sooner than waiting.
 */
export function retryDelayMs(
  error: GatewayError,
  settings: RetrySettings,
  retry: number,
  random: () => number = Math.random,
): number | undefined {
  if (error.retryAfterSeconds !== undefined) {
    const wait = error.retryAfterSeconds * 1000;
    return wait <= settings.maxBackoffMs ? wait : undefined;
  }
  const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** retry);
  return random() * ceiling;
}
