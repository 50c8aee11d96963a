import { createUsage, UNKNOWN_USAGE, type Usage } from "../../canonical/index.js";
import { isRecord, optionalNumber } from "../narrow.js";

/**
 * Decodes `usageMetadata` (https://ai.google.dev/api/generate-content#UsageMetadata). `candidatesTokenCount`
 * leaves out the thinking tokens (`thoughtsTokenCount`), which are billed as output, so output is their sum;
 * counting only candidates undercounts thinking models; the thinking tokens are also the usage's reasoning tokens
 * (priced as output, which they are part of). The prompt count already includes cached tokens;
 * `toolUsePromptTokenCount` (the results of Google's built-in tools) is prompt input too. In a stream every
 * event repeats the running totals: the decoder keeps the last, never a sum.
 */
export function decodeUsage(value: unknown): Usage {
  if (!isRecord(value)) return UNKNOWN_USAGE;
  const prompt = optionalNumber(value.promptTokenCount);
  const toolPrompt = optionalNumber(value.toolUsePromptTokenCount) ?? 0;
  const candidates = optionalNumber(value.candidatesTokenCount);
  const reported = optionalNumber(value.thoughtsTokenCount);
  const thoughts = reported ?? 0;
  return createUsage(
    prompt === undefined ? null : prompt + toolPrompt,
    candidates === undefined && thoughts === 0 ? null : (candidates ?? 0) + thoughts,
    reported === undefined ? {} : { reasoningTokens: reported },
  );
}
