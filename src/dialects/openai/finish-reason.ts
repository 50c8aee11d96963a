import type { FinishReason } from "../../canonical/index.js";

const KNOWN: ReadonlySet<string> = new Set(["stop", "length", "tool_calls", "content_filter"]);

/** OpenAI's finish reasons are the canonical ones; the legacy `function_call` means a tool call. */
export function decodeFinishReason(value: unknown): FinishReason {
  if (value === "function_call") return "tool_calls";
  return typeof value === "string" && KNOWN.has(value) ? (value as FinishReason) : null;
}
