import type { ChatResponse, Reasoning, ToolCall } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  optionalString,
  requireRecord,
  unixSecondsNow,
} from "../narrow.js";
import { decodeReasoningBlock } from "./reasoning.js";
import { decodeStopReason } from "./stop-reason.js";
import { decodeUsage } from "./usage.js";

/**
 * Decodes a Converse response (`{output: {message: {role, content}}, stopReason, usage, metrics}`) into one
 * choice: text blocks joined, toolUse blocks as tool calls, reasoningContent blocks as its reasoning (their
 * signatures or redacted content kept, for Bedrock only: reasoning.ts). Other blocks have no canonical
 * counterpart and are skipped. The body names no id, model or time: the id is the call's AWS request id (the
 * `x-amzn-RequestId` header, which AWS support asks for), the model the configured one, the time now.
 */
export function decodeConverseResponse(body: unknown, model: string, requestId?: string): ChatResponse {
  const root = requireRecord(body, "the response body");
  const output = requireRecord(root.output, "`output`");
  const message = requireRecord(output.message, "`output.message`");
  if (!Array.isArray(message.content))
    throw invalidUpstreamResponse("`output.message.content` is missing or not a list");
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const reasoning: Reasoning[] = [];
  for (const block of message.content) {
    if (!isRecord(block)) continue;
    if (typeof block.text === "string") text = (text ?? "") + block.text;
    else if (isRecord(block.reasoningContent)) {
      const thought = decodeReasoningBlock(block.reasoningContent);
      if (thought !== undefined) reasoning.push(thought);
    } else if (isRecord(block.toolUse)) {
      toolCalls.push({
        id: optionalString(block.toolUse.toolUseId) ?? "",
        name: optionalString(block.toolUse.name) ?? "",
        arguments: JSON.stringify(block.toolUse.input ?? {}),
      });
    }
  }
  const choiceMessage: ChatResponse["choices"][number]["message"] = { role: "assistant", content: text };
  if (toolCalls.length > 0) choiceMessage.toolCalls = toolCalls;
  if (reasoning.length > 0) choiceMessage.reasoning = reasoning;
  return {
    id: requestId ?? null,
    model,
    created: unixSecondsNow(),
    choices: [{ index: 0, message: choiceMessage, finishReason: decodeStopReason(root.stopReason) }],
    usage: decodeUsage(root.usage),
  };
}
