import { createUsage, UNKNOWN_USAGE, type Usage } from "../../canonical/index.js";
import { isRecord, optionalNumber } from "../narrow.js";

/** Decodes OpenAI's `usage` object; embeddings report no completion tokens, which count as 0. */
export function decodeUsage(value: unknown, outputTokensWhenAbsent: number | null = null): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  const input = optionalNumber(value.prompt_tokens) ?? null;
  const output = optionalNumber(value.completion_tokens) ?? outputTokensWhenAbsent;
  const usage = createUsage(input, output);
  const total = optionalNumber(value.total_tokens);
  return total === undefined ? usage : { ...usage, totalTokens: total };
}
