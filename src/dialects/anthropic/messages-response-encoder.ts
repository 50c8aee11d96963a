import {
  type ChatResponse,
  type FinishReason,
  invalidArgumentsError,
  type Reasoning,
  type ToolCall,
  type Usage,
  uncachedInputTokens,
} from "../../canonical/index.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { encodeReasoningToken } from "../reasoning-token.js";
import { ANTHROPIC_REASONING_ORIGIN } from "./chat-response.js";

/**
 * Encodes a canonical chat response as a Messages API `Message` (https://docs.anthropic.com/en/api/messages):
 * the first candidate's reasoning as thinking blocks, its text, then its tool calls as tool_use blocks. `model` is
 * what the client is told served it (the upstream's model, else the route's name).
 */
export function encodeMessagesResponse(response: ChatResponse, id: string, model: string): JsonRecord {
  const choice = response.choices[0];
  const content: JsonRecord[] = (choice?.message.reasoning ?? []).map(encodeThinkingBlock);
  const text = choice?.message.content ?? null;
  if (text !== null && text !== "") content.push({ type: "text", text });
  for (const call of choice?.message.toolCalls ?? []) content.push(encodeToolUse(call));
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: encodeStopReason(choice?.finishReason ?? null),
    stop_sequence: null,
    usage: encodeMessagesUsage(response.usage),
  };
}

/**
 * Canonical finish reasons as Anthropic stop reasons
 * (https://docs.anthropic.com/en/docs/build-with-claude/handling-stop-reasons). An upstream that said nothing
 * ended its turn: `end_turn`.
 */
export function encodeStopReason(reason: FinishReason): string {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}

/**
 * Anthropic's usage: `input_tokens` is the part of the prompt neither read from nor written to the cache, which
 * are reported apart (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 * A count the upstream did not report is 0, as Anthropic's schema has no "unknown".
 */
export function encodeMessagesUsage(usage: Usage): JsonRecord {
  const encoded: JsonRecord = {
    input_tokens: uncachedInputTokens(usage) ?? 0,
    output_tokens: usage.outputTokens ?? 0,
    cache_creation_input_tokens: usage.cacheWriteTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadTokens ?? 0,
  };
  if (usage.reasoningTokens !== undefined)
    encoded.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return encoded;
}

/**
 * Reasoning as a thinking block. Another provider's reasoning gets the gateway's token as its signature (see
 * reasoning-token.ts), so that it comes back to that provider and is kept from Anthropic.
 */
export function encodeThinkingBlock(reasoning: Reasoning): JsonRecord {
  if (reasoning.redacted !== undefined && reasoning.origin === ANTHROPIC_REASONING_ORIGIN)
    return { type: "redacted_thinking", data: reasoning.redacted };
  return {
    type: "thinking",
    thinking: reasoning.text,
    signature: encodeReasoningToken(reasoning, ANTHROPIC_REASONING_ORIGIN),
  };
}

/** A tool call as a tool_use block, whose `input` must be a JSON object. */
function encodeToolUse(call: ToolCall): JsonRecord {
  let input: unknown = {};
  if (call.arguments.trim() !== "") {
    try {
      input = JSON.parse(call.arguments);
    } catch (cause) {
      throw invalidArgumentsError(call.name, cause);
    }
  }
  if (!isRecord(input)) throw invalidArgumentsError(call.name);
  return { type: "tool_use", id: call.id, name: call.name, input };
}
