import { z } from "zod";
import { POLICY_FAILURE_KINDS, type PolicyFailureKind } from "../canonical/index.js";

/** What a route does when an attempt fails, by kind of failure (canonical/failure-kind.ts). */
export interface FailurePolicy {
  /** Failures retried on the same target (up to `retries.max_attempts` per target). */
  retryOn: PolicyFailureKind[];
  /** Failures that move on to the next target (at once, or once the retries of `retryOn` are spent). */
  fallbackOn: PolicyFailureKind[];
  /** A context-length error moves on to the next target, which may have a larger context window. */
  contextWindowFallback: boolean;
  /**
   * A stream that breaks or stalls after it reached the client is continued on the next target that can take
   * the partial answer as an assistant prefill, spliced into the same client stream.
   */
  midStreamContinuation: boolean;
}

/**
 * Retrying the same target pays off where its failure is likely over in a moment: a rate limit (after its
 * Retry-After), a server error, a dropped connection (often a stale pooled one). A silent or overloaded target
 * is left at once: waiting for it again is what keeps clients hanging.
 */
export const DEFAULT_RETRY_ON: PolicyFailureKind[] = ["rate_limited", "server_error", "connection"];
/** Everything that says nothing about the request itself moves on; a 4xx is the request's own fault. */
export const DEFAULT_FALLBACK_ON: PolicyFailureKind[] = [
  "rate_limited",
  "overloaded",
  "server_error",
  "connection",
  "timeout",
  "invalid_response",
];

export const DEFAULT_FAILURE_POLICY: FailurePolicy = {
  retryOn: DEFAULT_RETRY_ON,
  fallbackOn: DEFAULT_FALLBACK_ON,
  contextWindowFallback: true,
  midStreamContinuation: false,
};

const ALLOWED = POLICY_FAILURE_KINDS.join(", ");

/** Kinds that exist but are not a policy's to choose, with why. */
const NOT_CONFIGURABLE: Record<string, string> = {
  content_filter:
    "'content_filter' is always final: a content-policy refusal is never retried or routed around",
  context_length: "'context_length' is set by context_window_fallback (true or false)",
  prefill_rejected: "'prefill_rejected' only concerns mid-stream continuation, which skips such targets",
};

/** A custom issue rather than an enum's, so that a kind that exists but is not configurable says why. */
const failureKind = z
  .string()
  .superRefine((value, context) => {
    if ((POLICY_FAILURE_KINDS as readonly string[]).includes(value)) return;
    const reason = NOT_CONFIGURABLE[value];
    context.addIssue({
      code: "custom",
      message:
        reason === undefined
          ? `unknown failure kind '${value}'; allowed: ${ALLOWED}`
          : `${reason}; allowed: ${ALLOWED}`,
    });
  })
  .transform((value) => value as PolicyFailureKind);

/** The route keys of the policy, as written in YAML. */
export const failurePolicyShape = {
  retry_on: z.array(failureKind).optional(),
  fallback_on: z.array(failureKind).optional(),
  context_window_fallback: z.boolean().optional(),
  mid_stream_continuation: z.boolean().optional(),
};

export interface FailurePolicyEntry {
  retry_on?: PolicyFailureKind[] | undefined;
  fallback_on?: PolicyFailureKind[] | undefined;
  context_window_fallback?: boolean | undefined;
  mid_stream_continuation?: boolean | undefined;
}

export function resolveFailurePolicy(entry: FailurePolicyEntry): FailurePolicy {
  return {
    retryOn: unique(entry.retry_on ?? DEFAULT_RETRY_ON),
    fallbackOn: unique(entry.fallback_on ?? DEFAULT_FALLBACK_ON),
    contextWindowFallback: entry.context_window_fallback ?? DEFAULT_FAILURE_POLICY.contextWindowFallback,
    midStreamContinuation: entry.mid_stream_continuation ?? DEFAULT_FAILURE_POLICY.midStreamContinuation,
  };
}

function unique(kinds: PolicyFailureKind[]): PolicyFailureKind[] {
  return [...new Set(kinds)];
}
