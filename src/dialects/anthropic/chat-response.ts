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
 * Text blocks are concatenated; tool_use blocks become tool calls. Other blocks (`thinking`,
 * `redacted_thinking`, server-tool blocks) have no canonical counterpart and are skipped. The Message carries
 * no creation time, so `created` is now.
 */
export function decodeChatResponse(body: unknown): ChatResponse {
  const root = requireRecord(body, "the response body");
  const blocks = requireArray(root.content, "`content`");
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const [position, block] of blocks.entries()) {
    if (!isRecord(block)) throw invalidUpstreamResponse(`content[${position}] is not a JSON object`);
    if (block.type === "text") {
      text = (text ?? "") + (optionalString(block.text) ?? "");
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
  return {
    id: optionalString(root.id) ?? null,
    model: optionalString(root.model) ?? "",
    created: unixSecondsNow(),
    choices: [{ index: 0, message, finishReason: decodeStopReason(root.stop_reason) }],
    usage: decodeUsage(root.usage),
  };
}
