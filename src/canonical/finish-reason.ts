/**
 * Why a candidate stopped, in OpenAI's vocabulary (the most widely understood one).
 * Every provider's reasons map onto these; `null` means the upstream gave none.
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | null;
