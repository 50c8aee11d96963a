import type { ToolCall } from "../../canonical/index.js";
import { isRecord, optionalString } from "../narrow.js";
import { encodeToolCallId } from "./tool-call-id.js";

/** What a candidate's content parts hold, for the canonical model. */
export interface DecodedPart {
  kind: "text" | "tool_call";
  text: string;
  toolCall?: ToolCall;
}

/**
 * Decodes a candidate's `content.parts` (https://ai.google.dev/api/caching#Part): text parts, and
 * `functionCall` parts as tool calls (their ids from tool-call-id.ts, numbered from `firstCall`). Thought
 * parts (`thought: true`, the model's reasoning summary) and parts with no canonical counterpart (executable
 * code, inline data) are skipped.
 */
export function decodeParts(
  content: unknown,
  responseId: string | undefined,
  firstCall: number,
): DecodedPart[] {
  const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const decoded: DecodedPart[] = [];
  let calls = firstCall;
  for (const part of parts) {
    if (!isRecord(part) || part.thought === true) continue;
    if (typeof part.text === "string") {
      decoded.push({ kind: "text", text: part.text });
    } else if (isRecord(part.functionCall)) {
      const call = part.functionCall;
      const id = encodeToolCallId(
        optionalString(call.id),
        responseId,
        calls++,
        optionalString(part.thoughtSignature),
      );
      const args = isRecord(call.args) ? call.args : {};
      decoded.push({
        kind: "tool_call",
        text: "",
        toolCall: { id, name: optionalString(call.name) ?? "", arguments: JSON.stringify(args) },
      });
    }
  }
  return decoded;
}
