import { createUsage, type Usage, type UsageDetails } from "../../canonical/index.js";
import { isRecord, optionalNumber, optionalString } from "../narrow.js";

/** OpenAI's ResponseUsage: every field is required by the spec. */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/**
 * Encodes canonical usage as ResponseUsage (https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage).
 * `input_tokens` is the whole prompt with its cached part in the details, as canonical usage counts it; the
 * schema has no way to say "unknown", so a count the upstream did not report is 0 (never estimated).
 */
export function encodeResponsesUsage(usage: Usage): ResponsesUsage {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: usage.cacheReadTokens ?? 0,
      cache_write_tokens: usage.cacheWriteTokens ?? 0,
    },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens ?? input + output,
  };
}

/**
 * Decodes a ResponseUsage (a relayed answer's, for the metrics and accounting), with the response's
 * `service_tier` (the tier that served it). The spec's details name cache and reasoning tokens only; the audio
 * and image counts the Chat Completions usage has (`audio_tokens`, `image_tokens`) are read where a response
 * carries them too.
 */
export function decodeResponsesUsage(value: unknown, serviceTier?: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const inputDetails = isRecord(value.input_tokens_details) ? value.input_tokens_details : {};
  const outputDetails = isRecord(value.output_tokens_details) ? value.output_tokens_details : {};
  const details: UsageDetails = {};
  const cached = optionalNumber(inputDetails.cached_tokens);
  const written = optionalNumber(inputDetails.cache_write_tokens);
  const audioIn = optionalNumber(inputDetails.audio_tokens);
  const images = optionalNumber(inputDetails.image_tokens);
  const reasoning = optionalNumber(outputDetails.reasoning_tokens);
  const audioOut = optionalNumber(outputDetails.audio_tokens);
  const tier = optionalString(serviceTier);
  if (cached !== undefined) details.cacheReadTokens = cached;
  if (written !== undefined) details.cacheWriteTokens = written;
  if (audioIn !== undefined) details.audioInputTokens = audioIn;
  if (images !== undefined) details.imageTokens = images;
  if (reasoning !== undefined) details.reasoningTokens = reasoning;
  if (audioOut !== undefined) details.audioOutputTokens = audioOut;
  if (tier !== undefined) details.serviceTier = tier;
  const usage = createUsage(
    optionalNumber(value.input_tokens) ?? null,
    optionalNumber(value.output_tokens) ?? null,
    details,
  );
  const total = optionalNumber(value.total_tokens);
  return total === undefined ? usage : { ...usage, totalTokens: total };
}
