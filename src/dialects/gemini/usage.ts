import { createUsage, UNKNOWN_USAGE, type Usage, type UsageDetails } from "../../canonical/index.js";
import { isRecord, optionalNumber } from "../narrow.js";

/**
 * Decodes `usageMetadata` (https://ai.google.dev/api/generate-content#UsageMetadata). `candidatesTokenCount`
 * leaves out the thinking tokens (`thoughtsTokenCount`), which are billed as output, so output is their sum;
 * counting only candidates undercounts thinking models; the thinking tokens are also the usage's reasoning tokens
 * (priced as output, which they are part of). The prompt count already includes cached tokens;
 * `toolUsePromptTokenCount` (the results of Google's built-in tools) is prompt input too. In a stream every
 * event repeats the running totals: the decoder keeps the last, never a sum. The audio and image parts of the
 * prompt and the answer are the AUDIO and IMAGE entries of `promptTokensDetails` and `candidatesTokensDetails`
 * (https://ai.google.dev/api/generate-content#ModalityTokenCount).
 */
export function decodeUsage(value: unknown): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  const prompt = optionalNumber(value.promptTokenCount);
  const toolPrompt = optionalNumber(value.toolUsePromptTokenCount) ?? 0;
  const candidates = optionalNumber(value.candidatesTokenCount);
  const reported = optionalNumber(value.thoughtsTokenCount);
  const thoughts = reported ?? 0;
  const details: UsageDetails = reported === undefined ? {} : { reasoningTokens: reported };
  const promptModalities = modalityCounts(value.promptTokensDetails);
  const answerModalities = modalityCounts(value.candidatesTokensDetails);
  if (promptModalities?.audio !== undefined) details.audioInputTokens = promptModalities.audio;
  if (answerModalities?.audio !== undefined) details.audioOutputTokens = answerModalities.audio;
  if (promptModalities?.image !== undefined || answerModalities?.image !== undefined)
    details.imageTokens = (promptModalities?.image ?? 0) + (answerModalities?.image ?? 0);
  return createUsage(
    prompt === undefined ? null : prompt + toolPrompt,
    candidates === undefined && thoughts === 0 ? null : (candidates ?? 0) + thoughts,
    details,
  );
}

/** The AUDIO and IMAGE token counts of a list of ModalityTokenCount; undefined when there is no list. */
function modalityCounts(value: unknown): { audio?: number; image?: number } | undefined {
  if (!Array.isArray(value)) return undefined;
  const counts: { audio?: number; image?: number } = {};
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const tokens = optionalNumber(entry.tokenCount);
    if (tokens === undefined) continue;
    if (entry.modality === "AUDIO") counts.audio = (counts.audio ?? 0) + tokens;
    else if (entry.modality === "IMAGE") counts.image = (counts.image ?? 0) + tokens;
  }
  return counts;
}
