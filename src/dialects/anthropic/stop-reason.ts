import type { FinishReason } from "../../canonical/index.js";

/**
 * Maps Anthropic's `stop_reason` (https://docs.anthropic.com/en/docs/build-with-claude/handling-stop-reasons)
 * to the canonical finish reason. `pause_turn` (a long server-tool turn the client may continue) ended normally
 * from the client's point of view, so it is "stop"; `model_context_window_exceeded` is a length limit.
 * Reasons added later read as null rather than failing the response.
 */
const FINISH_REASON_OF_STOP_REASON: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function decodeStopReason(value: unknown): FinishReason {
  if (typeof value !== "string" || !Object.hasOwn(FINISH_REASON_OF_STOP_REASON, value)) return null;
  return FINISH_REASON_OF_STOP_REASON[value] ?? null;
}
