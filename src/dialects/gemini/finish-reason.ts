import type { FinishReason } from "../../canonical/index.js";

/**
 * Gemini's `finishReason` (https://ai.google.dev/api/generate-content#FinishReason) as a canonical reason. A
 * turn that ends in function calls also says STOP, so the decoders report `tool_calls` themselves when a
 * candidate has any. Every safety and policy stop is `content_filter`; MALFORMED_FUNCTION_CALL and other
 * failures that produced no usable answer read as null, as do reasons added later.
 */
const FINISH_REASON_OF_GEMINI: Readonly<Record<string, FinishReason>> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  LANGUAGE: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
  IMAGE_RECITATION: "content_filter",
};

export function decodeFinishReason(value: unknown, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (value === "STOP" || value === undefined)) return "tool_calls";
  if (typeof value !== "string" || !Object.hasOwn(FINISH_REASON_OF_GEMINI, value)) return null;
  return FINISH_REASON_OF_GEMINI[value] ?? null;
}
