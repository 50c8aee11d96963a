import type { ChatResponse, Reasoning, ToolCall } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  optionalString,
  requireRecord,
  unixSecondsNow,
} from "../narrow.js";
import { decodeFinishReason } from "./finish-reason.js";
import { COHERE_REASONING_ORIGIN } from "./reasoning.js";
import { decodeUsage } from "./usage.js";

/**
 * Decodes a Cohere v2 chat response (https://docs.cohere.com/v2/reference/chat). v2 responses name no model and
 * carry no creation time, so `model` is the one the target is configured with and `created` is now.
 * Unknown fields are ignored.
 */
export function decodeChatResponse(body: unknown, model: string): ChatResponse {
  const root = requireRecord(body, "the response body");
  const message = requireRecord(root.message, "`message`");
  const toolCalls = decodeToolCalls(message.tool_calls);
  const choiceMessage: ChatResponse["choices"][number]["message"] = {
    role: "assistant",
    content: decodeText(message.content),
  };
  if (toolCalls.length > 0) choiceMessage.toolCalls = toolCalls;
  const reasoning = decodeThinking(message.content);
  if (reasoning.length > 0) choiceMessage.reasoning = reasoning;
  return {
    id: optionalString(root.id) ?? null,
    model,
    created: unixSecondsNow(),
    choices: [{ index: 0, message: choiceMessage, finishReason: decodeFinishReason(root.finish_reason) }],
    usage: decodeUsage(root.usage),
  };
}

/** The `thinking` parts of reasoning models (https://docs.cohere.com/docs/reasoning), as reasoning. */
function decodeThinking(content: unknown): Reasoning[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) =>
    isRecord(part) && part.type === "thinking" && typeof part.thinking === "string"
      ? [{ text: part.thinking, origin: COHERE_REASONING_ORIGIN }]
      : [],
  );
}

/**
 * Joins the text parts of `message.content`. Reasoning models add `thinking` parts: they are not the answer,
 * so they are left out here (decodeThinking reads them).
 * `null` when there is no text at all (a pure tool call).
 */
function decodeText(content: unknown): string | null {
  if (content === undefined || content === null) return null;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalidUpstreamResponse("`message.content` is not a list");
  let text: string | null = null;
  for (const part of content) {
    if (isRecord(part) && part.type === "text" && typeof part.text === "string")
      text = (text ?? "") + part.text;
  }
  return text;
}

function decodeToolCalls(value: unknown): ToolCall[] {
  if (!Array.isArray(value)) return [];
  const calls: ToolCall[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const fn = isRecord(entry.function) ? entry.function : {};
    calls.push({
      id: optionalString(entry.id) ?? "",
      name: optionalString(fn.name) ?? "",
      arguments: optionalString(fn.arguments) ?? "",
    });
  }
  return calls;
}
