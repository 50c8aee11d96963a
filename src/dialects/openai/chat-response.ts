import type { ChatChoice, ChatResponse, ToolCall } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  optionalNumber,
  optionalString,
  requireArray,
  requireRecord,
  unixSecondsNow,
} from "../narrow.js";
import { decodeFinishReason } from "./finish-reason.js";
import { decodeUsage } from "./usage.js";

/** Decodes an OpenAI chat completion object. Unknown fields are ignored. */
export function decodeChatResponse(body: unknown): ChatResponse {
  const root = requireRecord(body, "the response body");
  const choices = requireArray(root.choices, "`choices`").map(decodeChoice);
  return {
    id: optionalString(root.id) ?? null,
    model: optionalString(root.model) ?? "",
    created: optionalNumber(root.created) ?? unixSecondsNow(),
    choices,
    usage: decodeUsage(root.usage),
  };
}

function decodeChoice(value: unknown, position: number): ChatChoice {
  const choice = requireRecord(value, `choices[${position}]`);
  const message = requireRecord(choice.message, `choices[${position}].message`);
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== "string") {
    throw invalidUpstreamResponse(`choices[${position}].message.content is not text`);
  }
  const toolCalls = decodeToolCalls(message.tool_calls);
  const decoded: ChatChoice = {
    index: optionalNumber(choice.index) ?? position,
    message: { role: "assistant", content: content ?? null },
    finishReason: decodeFinishReason(choice.finish_reason),
  };
  if (toolCalls.length > 0) decoded.message.toolCalls = toolCalls;
  return decoded;
}

function decodeToolCalls(value: unknown): ToolCall[] {
  if (!Array.isArray(value)) return [];
  const calls: ToolCall[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || !isRecord(entry.function)) continue;
    calls.push({
      id: optionalString(entry.id) ?? "",
      name: optionalString(entry.function.name) ?? "",
      arguments: optionalString(entry.function.arguments) ?? "",
    });
  }
  return calls;
}
