import type { Usage } from "../../canonical/index.js";

/** OpenAI's CompletionUsage: all three counts are required integers. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** The gateway's cost of the call in USD (OpenRouter's field), when it is priced. */
  cost?: number;
}

/**
 * Encodes canonical usage as OpenAI's `usage`. OpenAI's schema has no way to say "unknown", so a count the
 * upstream did not report is written as 0 (never estimated). Accounting that must tell the two apart reads the
 * canonical usage, where unknown counts stay null.
 */
export function encodeOpenAIUsage(usage: Usage, cost?: string): OpenAIUsage {
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  const encoded: OpenAIUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokens ?? prompt + completion,
  };
  // A decimal of at most 9 places: JSON writes the number back exactly as the decimal it came from.
  if (cost !== undefined) encoded.cost = Number(cost);
  return encoded;
}
