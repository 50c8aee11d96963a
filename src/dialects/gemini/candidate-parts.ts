import type { ToolCall } from "../../canonical/index.js";
import { isRecord, optionalString } from "../narrow.js";
import { textPartSignature } from "./thinking.js";
import { encodeToolCallId } from "./tool-call-id.js";

/**
 * What a candidate's content parts hold, for the canonical model: answer text, thought text (a thinking model's
 * summary of its reasoning), or a tool call. `signature` is the part's thought signature in the canonical
 * reasoning's form (see thinking.ts); a function call's travels in its id instead (tool-call-id.ts).
 */
export type DecodedPart =
  | { kind: "text"; text: string; signature?: string }
  | { kind: "thought"; text: string; signature?: string }
  | { kind: "tool_call"; toolCall: ToolCall };

/**
 * Decodes a candidate's `content.parts` (https://ai.google.dev/api/caching#Part): text parts, thought parts
 * (`thought: true`, https://ai.google.dev/gemini-api/docs/thinking#summaries), and `functionCall` parts as tool
 * calls (their ids from tool-call-id.ts, numbered from `firstCall`, carrying `origin`'s signatures). Parts with no canonical counterpart
 * (executable code, inline data) are skipped.
 */
export function decodeParts(
  content: unknown,
  responseId: string | undefined,
  firstCall: number,
  origin: string,
): DecodedPart[] {
  const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const decoded: DecodedPart[] = [];
  let calls = firstCall;
  for (const part of parts) {
    if (!isRecord(part)) continue;
    const signature = optionalString(part.thoughtSignature);
    if (isRecord(part.functionCall)) {
      const call = part.functionCall;
      const id = encodeToolCallId(optionalString(call.id), responseId, calls++, signature, origin);
      const args = isRecord(call.args) ? call.args : {};
      decoded.push({
        kind: "tool_call",
        toolCall: { id, name: optionalString(call.name) ?? "", arguments: JSON.stringify(args) },
      });
    } else if (part.thought === true) {
      const thought: DecodedPart = { kind: "thought", text: optionalString(part.text) ?? "" };
      if (signature !== undefined && signature !== "") thought.signature = signature;
      decoded.push(thought);
    } else if (typeof part.text === "string") {
      const text: DecodedPart = { kind: "text", text: part.text };
      if (signature !== undefined && signature !== "") text.signature = textPartSignature(signature);
      decoded.push(text);
    }
  }
  return decoded;
}
