/**
 * Parses a `Retry-After` header (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date.
 * Returns whole seconds from now (at least 0), or undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number.parseInt(text, 10);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
