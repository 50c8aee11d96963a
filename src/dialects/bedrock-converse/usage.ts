import { createUsage, UNKNOWN_USAGE, type Usage } from "../../canonical/index.js";
import { isRecord, optionalNumber } from "../narrow.js";

/**
 * Decodes TokenUsage. With prompt caching, `inputTokens` leaves out the tokens read from and written to the
 * cache, which are reported apart (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html);
 * the canonical input count is the whole prompt, as in every other dialect.
 */
export function decodeUsage(value: unknown): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  const input = optionalNumber(value.inputTokens);
  const cached =
    (optionalNumber(value.cacheReadInputTokens) ?? 0) + (optionalNumber(value.cacheWriteInputTokens) ?? 0);
  return createUsage(input === undefined ? null : input + cached, optionalNumber(value.outputTokens) ?? null);
}
