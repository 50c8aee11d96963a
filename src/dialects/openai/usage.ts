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

/**
 * The usage object of a stream chunk, wherever the server puts it: `usage` (OpenAI with include_usage, and
 * servers that send it unasked on the last chunk), or Groq's `x_groq.usage` on its final chunk
 * (https://console.groq.com/docs/openai).
 */
export function usageOfChunk(chunk: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isRecord(chunk.usage)) return chunk.usage;
  const groq = chunk.x_groq;
  return isRecord(groq) && isRecord(groq.usage) ? groq.usage : undefined;
}
