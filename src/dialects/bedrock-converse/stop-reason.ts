import type { FinishReason } from "../../canonical/index.js";

/**
 * Converse's `stopReason` (StopReason in the service model,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax)
 * as a canonical reason. Guardrail and content-filter stops are `content_filter`; malformed model output is
 * null (no usable reason), as are reasons added later.
 */
const FINISH_REASON_OF_STOP_REASON: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};

export function decodeStopReason(value: unknown): FinishReason {
  if (typeof value !== "string" || !Object.hasOwn(FINISH_REASON_OF_STOP_REASON, value)) return null;
  return FINISH_REASON_OF_STOP_REASON[value] ?? null;
}
