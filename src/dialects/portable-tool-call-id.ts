import { createHash } from "node:crypto";

/**
 * Anthropic (`tool_use.id`: `^[a-zA-Z0-9_-]+$`) and Bedrock (ToolUseId: `[a-zA-Z0-9_.:-]+`, at most 64
 * characters) refuse ids that other providers make: Gemini's carry a base64 thought signature (`+`, `/`, `=`),
 * and some are long. In a conversation that switched provider, such an id is replaced by one derived from it
 * (the same for the call and its result, so they still match), rather than refused with a 400.
 */
const PORTABLE = /^[a-zA-Z0-9_-]{1,64}$/;

export function portableToolCallId(id: string): string {
  if (PORTABLE.test(id)) return id;
  return `toolu_${createHash("sha256").update(id).digest("base64url").slice(0, 32)}`;
}
