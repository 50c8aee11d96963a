import { createUsage, UNKNOWN_USAGE, type Usage, type UsageDetails } from "../../canonical/index.js";
import { isRecord, optionalNumber, optionalString } from "../narrow.js";

/**
 * Decodes OpenAI's `usage` object (CompletionUsage); embeddings report no completion tokens, which count as 0.
 * `prompt_tokens` already includes cached tokens (`prompt_tokens_details.cached_tokens`, and the newer
 * `cache_write_tokens`), audio and image tokens (`audio_tokens`, `image_tokens`), and `completion_tokens` the
 * reasoning and audio ones (`completion_tokens_details.reasoning_tokens`, `audio_tokens`):
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage. `serviceTier` is the answer's
 * (or chunk's) `service_tier`, beside the usage object: the tier that served the request.
 */
export function decodeUsage(
  value: unknown,
  outputTokensWhenAbsent: number | null = null,
  serviceTier?: unknown,
): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  const input = optionalNumber(value.prompt_tokens) ?? null;
  const output = optionalNumber(value.completion_tokens) ?? outputTokensWhenAbsent;
  const details = decodeUsageDetails(value);
  const tier = optionalString(serviceTier);
  if (tier !== undefined) details.serviceTier = tier;
  const usage = createUsage(input, output, details);
  const total = optionalNumber(value.total_tokens);
  return total === undefined ? usage : { ...usage, totalTokens: total };
}

function decodeUsageDetails(value: Record<string, unknown>): UsageDetails {
  const details: UsageDetails = {};
  const prompt = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const completion = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  const cached = optionalNumber(prompt.cached_tokens);
  const written = optionalNumber(prompt.cache_write_tokens);
  const audioIn = optionalNumber(prompt.audio_tokens);
  const images = optionalNumber(prompt.image_tokens);
  const reasoning = optionalNumber(completion.reasoning_tokens);
  const audioOut = optionalNumber(completion.audio_tokens);
  if (cached !== undefined) details.cacheReadTokens = cached;
  if (written !== undefined) details.cacheWriteTokens = written;
  if (audioIn !== undefined) details.audioInputTokens = audioIn;
  if (images !== undefined) details.imageTokens = images;
  if (reasoning !== undefined) details.reasoningTokens = reasoning;
  if (audioOut !== undefined) details.audioOutputTokens = audioOut;
  return details;
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
