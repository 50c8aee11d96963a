import { createUsage, UNKNOWN_USAGE, type Usage } from "../../canonical/index.js";
import { isRecord, type JsonRecord, optionalNumber } from "../narrow.js";

/**
 * With prompt caching, Anthropic's `input_tokens` counts only the tokens after the last cache breakpoint; the
 * tokens written to and read from the cache are reported apart, and the prompt's size is the sum of the three
 * (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance). The
 * canonical input count is the whole prompt, as in every other dialect. The cache fields may be absent or null.
 */
export function decodeInputTokens(usage: JsonRecord): number | null {
  const uncached = optionalNumber(usage.input_tokens);
  if (uncached === undefined) return null;
  const cacheWrite = optionalNumber(usage.cache_creation_input_tokens) ?? 0;
  const cacheRead = optionalNumber(usage.cache_read_input_tokens) ?? 0;
  return uncached + cacheWrite + cacheRead;
}

/** Decodes a Message's `usage` object. */
export function decodeUsage(value: unknown): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  return createUsage(decodeInputTokens(value), optionalNumber(value.output_tokens) ?? null);
}
