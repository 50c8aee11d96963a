import type { FinishReason } from "../../canonical/index.js";

/** The finish reasons of OpenAI's chat completion choice (CreateChatCompletionResponse), minus the legacy function_call. */
export type OpenAIChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";
/** The finish reasons of a legacy completion choice (CreateCompletionResponse). */
export type OpenAICompletionFinishReason = "stop" | "length" | "content_filter";

/**
 * OpenAI's schema requires a finish reason on a finished choice, so an upstream that gave none (canonical
 * `null`) is reported as `stop`: the candidate did end, and nothing says it was cut short.
 */
export function encodeChatFinishReason(reason: FinishReason): OpenAIChatFinishReason {
  return reason ?? "stop";
}

/** Legacy completions have no tool calls; a candidate that ended in one (not possible without tools) ends as `stop`. */
export function encodeCompletionFinishReason(reason: FinishReason): OpenAICompletionFinishReason {
  return reason === null || reason === "tool_calls" ? "stop" : reason;
}
