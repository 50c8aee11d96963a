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
import { decodeFinishReason, type FinishReasonMap } from "./finish-reason.js";
import { readMessageText } from "./message-content.js";
import { decodeUsage } from "./usage.js";

/** What a compatible server's answers may differ in (see providers/openai-compatible.ts). */
export interface CompatibleResponseOptions {
  /** Finish reasons beyond OpenAI's, mapped onto the canonical ones. */
  finishReasons?: FinishReasonMap;
}

/**
 * Decodes an OpenAI chat completion object. Unknown fields are ignored; reasoning text (`reasoning_content`,
 * `reasoning`, Mistral's thinking chunks) is kept apart from the content.
 */
export function decodeChatResponse(body: unknown, options: CompatibleResponseOptions = {}): ChatResponse {
  const root = requireRecord(body, "the response body");
  const choices = requireArray(root.choices, "`choices`").map((choice, position) =>
    decodeChoice(choice, position, options),
  );
  return {
    id: optionalString(root.id) ?? null,
    model: optionalString(root.model) ?? "",
    created: optionalNumber(root.created) ?? unixSecondsNow(),
    choices,
    usage: decodeUsage(root.usage, null, root.service_tier),
  };
}

function decodeChoice(value: unknown, position: number, options: CompatibleResponseOptions): ChatChoice {
  const choice = requireRecord(value, `choices[${position}]`);
  const message = requireRecord(choice.message, `choices[${position}].message`);
  const raw = message.content;
  if (raw !== null && raw !== undefined && typeof raw !== "string" && !Array.isArray(raw)) {
    throw invalidUpstreamResponse(`choices[${position}].message.content is not text`);
  }
  const { content, reasoning } = readMessageText(message);
  const toolCalls = decodeToolCalls(message.tool_calls);
  const decoded: ChatChoice = {
    index: optionalNumber(choice.index) ?? position,
    message: { role: "assistant", content: content ?? null },
    finishReason: decodeFinishReason(choice.finish_reason, options.finishReasons),
  };
  if (toolCalls.length > 0) decoded.message.toolCalls = toolCalls;
  if (reasoning !== undefined && reasoning !== "") decoded.message.reasoning = [{ text: reasoning }];
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
