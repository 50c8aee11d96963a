import { createUsage, UNKNOWN_USAGE, type Usage, type UsageDetails } from "../../canonical/index.js";
import { isRecord, type JsonRecord, optionalNumber, optionalString } from "../narrow.js";

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

/**
 * The breakdown of a `usage` object: cache reads and writes (`cache_creation.ephemeral_1h_input_tokens` is the
 * one-hour part of the writes), `output_tokens_details.thinking_tokens` (the part of `output_tokens` spent
 * thinking), `server_tool_use.web_search_requests` (searches the web search tool ran, billed per search) and
 * `service_tier` (`standard`, `priority`, `batch`: the tier that served the request)
 * (https://docs.anthropic.com/en/api/messages, Usage).
 */
export function decodeUsageDetails(usage: JsonRecord): UsageDetails {
  const details: UsageDetails = {};
  const cacheRead = optionalNumber(usage.cache_read_input_tokens);
  const cacheWrite = optionalNumber(usage.cache_creation_input_tokens);
  if (cacheRead !== undefined) details.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) details.cacheWriteTokens = cacheWrite;
  if (isRecord(usage.cache_creation)) {
    const oneHour = optionalNumber(usage.cache_creation.ephemeral_1h_input_tokens);
    if (oneHour !== undefined) details.cacheWrite1hTokens = oneHour;
  }
  if (isRecord(usage.output_tokens_details)) {
    const thinking = optionalNumber(usage.output_tokens_details.thinking_tokens);
    if (thinking !== undefined) details.reasoningTokens = thinking;
  }
  if (isRecord(usage.server_tool_use)) {
    const searches = optionalNumber(usage.server_tool_use.web_search_requests);
    if (searches !== undefined) details.webSearchRequests = searches;
  }
  const tier = optionalString(usage.service_tier);
  if (tier !== undefined) details.serviceTier = tier;
  return details;
}

/** Decodes a Message's `usage` object. */
export function decodeUsage(value: unknown): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  return createUsage(
    decodeInputTokens(value),
    optionalNumber(value.output_tokens) ?? null,
    decodeUsageDetails(value),
  );
}
