/**
 * Why an attempt on an upstream failed, in the words routing policies use (`retry_on`, `fallback_on`). Every
 * provider's failures map to these: by HTTP status, and by the error codes, types and messages its dialect
 * declares (a FailureSignal table per dialect), so routing decides without knowing any provider.
 */
export type FailureKind =
  /** 429: the target's rate limit; it may say when to come back (Retry-After). */
  | "rate_limited"
  /** 503, 529: the target is overloaded or down for now. */
  | "overloaded"
  /** Any other 5xx. */
  | "server_error"
  /** No answer: the connection was refused, reset or broke before the answer. */
  | "connection"
  /** The target was silent too long: no first byte, no first token, or a stall. */
  | "timeout"
  /** The answer could not be read (malformed JSON, an HTML error page, a stream that broke its own rules). */
  | "invalid_response"
  /** The request is too long for this target's context window; a target with a larger one may take it. */
  | "context_length"
  /** A content policy refused the request or the answer: never retried, never routed around. */
  | "content_filter"
  /** The target does not take an assistant prefill (a continuation request); only continuation cares. */
  | "prefill_rejected"
  /** Any other 4xx: the request's own fault, as this target sees it (bad request, auth, unknown model). */
  | "client_error";

/** The kinds a route may list in `retry_on` and `fallback_on`. */
export const POLICY_FAILURE_KINDS = [
  "rate_limited",
  "overloaded",
  "server_error",
  "connection",
  "timeout",
  "invalid_response",
  "client_error",
] as const satisfies readonly FailureKind[];

export type PolicyFailureKind = (typeof POLICY_FAILURE_KINDS)[number];

/** What an upstream's error body says about itself, as its dialect reads it. */
export interface UpstreamErrorFields {
  /** OpenAI's `error.type`, Anthropic's `error.type`. */
  type?: string;
  /** OpenAI's `error.code` (`context_length_exceeded`, `content_filter`). */
  code?: string;
  message?: string;
}

/**
 * One row of a dialect's table of errors that mean a particular failure. Every given field must match: `code`
 * and `type` exactly, `message` as a case-insensitive pattern (for upstreams that only say it in words).
 */
export interface FailureSignal {
  kind: FailureKind;
  code?: string;
  type?: string;
  message?: RegExp;
  /** Only for errors with one of these HTTP statuses (any, when absent; in-stream errors have none). */
  statuses?: readonly number[];
}

/** How an upstream reports errors: where its dialect finds the fields, and what they mean. */
export interface ErrorSignals {
  readFields(body: unknown): UpstreamErrorFields;
  signals: readonly FailureSignal[];
}

/**
 * The kind of an upstream's error answer: the first signal of the dialect's table that matches, else what the
 * HTTP status means. An in-stream error without a status that no signal matches is a server error.
 */
export function classifyUpstreamError(
  status: number | undefined,
  fields: UpstreamErrorFields,
  signals: readonly FailureSignal[],
): FailureKind {
  for (const signal of signals) {
    if (matches(signal, status, fields)) return signal.kind;
  }
  return status === undefined ? "server_error" : failureKindOfStatus(status);
}

/** What an HTTP status alone says about a failure. */
export function failureKindOfStatus(status: number): FailureKind {
  if (status === 429) return "rate_limited";
  // 529 is not in the HTTP registry but is what an overloaded API answers (Anthropic's overloaded_error).
  if (status === 503 || status === 529) return "overloaded";
  // A body too large for this target: one with a larger limit may take it.
  if (status === 413) return "context_length";
  if (status === 408) return "timeout";
  if (status >= 500) return "server_error";
  return "client_error";
}

function matches(signal: FailureSignal, status: number | undefined, fields: UpstreamErrorFields): boolean {
  if (signal.statuses !== undefined && (status === undefined || !signal.statuses.includes(status)))
    return false;
  if (signal.code !== undefined && signal.code !== fields.code) return false;
  if (signal.type !== undefined && signal.type !== fields.type) return false;
  if (signal.message !== undefined && (fields.message === undefined || !signal.message.test(fields.message)))
    return false;
  return signal.code !== undefined || signal.type !== undefined || signal.message !== undefined;
}
