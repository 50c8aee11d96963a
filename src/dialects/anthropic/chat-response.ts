import type { ChatResponse, ToolCall } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  optionalString,
  requireArray,
  requireRecord,
  unixSecondsNow,
} from "../narrow.js";
import { decodeStopReason } from "./stop-reason.js";
import { decodeUsage } from "./usage.js";

/**
 * Decodes a Messages API `Message` (https://docs.anthropic.com/en/api/messages) into one canonical choice.
 * Text blocks are concatenated; tool_use blocks become tool calls; `thinking` blocks (extended thinking,
 * https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking) are the choice's reasoning. Other
 * blocks (`redacted_thinking`, whose text is encrypted, and server-tool blocks) are skipped. The Message carries
 * no creation time, so `created` is now.
 */
export function decodeChatResponse(body: unknown): ChatResponse {
  const root = requireRecord(body, "the response body");
  const blocks = requireArray(root.content, "`content`");
  let text: string | null = null;
  let reasoning: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const [position, block] of blocks.entries()) {
    if (!isRecord(block)) throw invalidUpstreamResponse(`content[${position}] is not a JSON object`);
    if (block.type === "text") {
      text = (text ?? "") + (optionalString(block.text) ?? "");
    } else if (block.type === "thinking") {
      reasoning = (reasoning ?? "") + (optionalString(block.thinking) ?? "");
    } else if (block.type === "tool_use") {
      toolCalls.push({
        id: optionalString(block.id) ?? "",
        name: optionalString(block.name) ?? "",
        arguments: JSON.stringify(block.input ?? {}),
      });
    }
  }
  const message: ChatResponse["choices"][number]["message"] = { role: "assistant", content: text };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  if (reasoning !== undefined && reasoning !== "") message.reasoning = reasoning;
  return {
    id: optionalString(root.id) ?? null,
    model: optionalString(root.model) ?? "",
    created: unixSecondsNow(),
    choices: [{ index: 0, message, finishReason: decodeStopReason(root.stop_reason) }],
    usage: decodeUsage(root.usage),
  };
}
