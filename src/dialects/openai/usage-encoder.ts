import type { Usage } from "../../canonical/index.js";

/** OpenAI's CompletionUsage: all three counts are required integers. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * Encodes canonical usage as OpenAI's `usage`. OpenAI's schema has no way to say "unknown", so a count the
 * upstream did not report is written as 0 (never estimated). Accounting that must tell the two apart reads the
 * canonical usage, where unknown counts stay null.
 */
export function encodeOpenAIUsage(usage: Usage): OpenAIUsage {
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokens ?? prompt + completion,
  };
}
