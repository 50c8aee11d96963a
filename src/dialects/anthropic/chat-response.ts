import type { ChatResponse, Reasoning, ToolCall } from "../../canonical/index.js";
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
 * Text blocks are concatenated; tool_use blocks become tool calls; thinking and redacted_thinking blocks become
 * reasoning, with their signature (valid for Anthropic upstreams only: origin `anthropic`). Server-tool blocks
 * have no canonical counterpart and are skipped. The Message carries no creation time, so `created` is now.
 */
export function decodeChatResponse(body: unknown): ChatResponse {
  const root = requireRecord(body, "the response body");
  const blocks = requireArray(root.content, "`content`");
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const reasoning: Reasoning[] = [];
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
    } else {
      const thought = decodeReasoningBlock(block);
      if (thought !== undefined) reasoning.push(thought);
    }
  }
  const message: ChatResponse["choices"][number]["message"] = { role: "assistant", content: text };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  if (reasoning.length > 0) message.reasoning = reasoning;
  return {
    id: optionalString(root.id) ?? null,
    model: optionalString(root.model) ?? "",
    created: unixSecondsNow(),
    choices: [{ index: 0, message, finishReason: decodeStopReason(root.stop_reason) }],
    usage: decodeUsage(root.usage),
  };
}

/** The wire family of Anthropic thinking signatures: they are accepted back by Anthropic-dialect upstreams only. */
export const ANTHROPIC_REASONING_ORIGIN = "anthropic";

/** A `thinking` or `redacted_thinking` block as canonical reasoning; undefined for other blocks. */
export function decodeReasoningBlock(block: Record<string, unknown>): Reasoning | undefined {
  if (block.type === "thinking") {
    const thought: Reasoning = {
      text: optionalString(block.thinking) ?? "",
      origin: ANTHROPIC_REASONING_ORIGIN,
    };
    const signature = optionalString(block.signature);
    if (signature !== undefined) thought.signature = signature;
    return thought;
  }
  if (block.type === "redacted_thinking") {
    return { text: "", redacted: optionalString(block.data) ?? "", origin: ANTHROPIC_REASONING_ORIGIN };
  }
  return undefined;
}
