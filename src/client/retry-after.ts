/**
 * The wait a `Retry-After` header asks for, in milliseconds: either delay-seconds (`"2"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`, measured from `nowMs`). Undefined when absent or unreadable.
 * See RFC 9110 section 10.2.3.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date always names its weekday and month; this keeps Date.parse from reading "-1" as a year.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Exponential backoff with jitter for a retry without `Retry-After`: base * 2^attempt, scaled by 0.5 to 1. */
export function backoffDelayMs(attempt: number, baseDelayMs: number): number {
  return Math.round(baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2));
}
