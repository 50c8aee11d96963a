import { createUsage, UNKNOWN_USAGE, type Usage, type UsageDetails } from "../../canonical/index.js";
import { isRecord, optionalNumber } from "../narrow.js";

/**
 * Decodes Cohere's v2 `usage` (https://docs.cohere.com/v2/reference/chat). `tokens` counts what the model really
 * read and wrote, including the prompt Cohere adds around the messages; `billed_units` counts what is charged and
 * leaves that prompt out, so it is smaller. `tokens` is preferred, field by field, so the same call reports the
 * same numbers whether it streamed or not; `billed_units` is the fallback when `tokens` is absent.
 * `cached_tokens` is the part of the prompt that hit Cohere's cache.
 */
export function decodeUsage(value: unknown): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  const tokens = isRecord(value.tokens) ? value.tokens : {};
  const billed = isRecord(value.billed_units) ? value.billed_units : {};
  const input = optionalNumber(tokens.input_tokens) ?? optionalNumber(billed.input_tokens) ?? null;
  const output = optionalNumber(tokens.output_tokens) ?? optionalNumber(billed.output_tokens) ?? null;
  const details: UsageDetails = {};
  const cached = optionalNumber(value.cached_tokens);
  if (cached !== undefined) details.cacheReadTokens = cached;
  return createUsage(input, output, details);
}
