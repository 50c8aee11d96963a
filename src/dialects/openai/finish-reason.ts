import type { FinishReason } from "../../canonical/index.js";

const KNOWN: ReadonlySet<string> = new Set(["stop", "length", "tool_calls", "content_filter"]);

/** A compatible server's own finish reasons, mapped onto the canonical ones (`eos` -> `stop`, ...). */
export type FinishReasonMap = Readonly<Record<string, FinishReason>>;

/**
 * OpenAI's finish reasons are the canonical ones; the legacy `function_call` means a tool call. `extra` maps a
 * compatible server's other words; anything else unknown is `null` (the upstream gave no reason we know).
 */
export function decodeFinishReason(value: unknown, extra?: FinishReasonMap): FinishReason {
  if (typeof value !== "string") return null;
  if (KNOWN.has(value)) return value as FinishReason;
  if (value === "function_call") return "tool_calls";
  return extra !== undefined && Object.hasOwn(extra, value) ? (extra[value] ?? null) : null;
}
