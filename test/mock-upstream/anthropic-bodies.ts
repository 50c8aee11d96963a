import {
  completeMockChat,
  type MockChat,
  type MockChatInput,
  splitPieces,
  splitWords,
} from "./echo-rules.js";
import { sseFrame } from "./sse-frame.js";

/**
 * Anthropic Messages wire bodies (https://docs.anthropic.com/en/api/messages), built from provider-neutral
 * inputs. Exported so tests can script modified answers.
 */

const DEFAULTS = { id: "msg_mock", model: "claude-3-5-sonnet-latest" };

function stopReason(chat: MockChat): "end_turn" | "tool_use" {
  return chat.toolCall === undefined ? "end_turn" : "tool_use";
}

/** The signature the mock gives its thinking: "sig_" + the message id (echo-rules.ts). */
export function anthropicSignature(messageId: string): string {
  return `sig_${messageId}`;
}

/**
 * Usage as the API reports it: `input_tokens` without the cached part, cache writes and reads apart, and the
 * thinking part of the output in `output_tokens_details` when the model thought.
 */
function usageOf(chat: MockChat, outputTokens = chat.outputTokens) {
  return {
    input_tokens: chat.inputTokens - chat.cacheReadTokens - chat.cacheWriteTokens,
    cache_creation_input_tokens: chat.cacheWriteTokens,
    cache_read_input_tokens: chat.cacheReadTokens,
    output_tokens: outputTokens,
    ...(chat.thinking !== undefined && { output_tokens_details: { thinking_tokens: chat.reasoningTokens } }),
  };
}

function contentBlocks(chat: MockChat) {
  const blocks: Record<string, unknown>[] = [];
  if (chat.thinking !== undefined)
    blocks.push({ type: "thinking", thinking: chat.thinking, signature: anthropicSignature(chat.id) });
  if (chat.text !== undefined) blocks.push({ type: "text", text: chat.text });
  if (chat.toolCall !== undefined) {
    const { id, name, argumentsJson } = chat.toolCall;
    blocks.push({ type: "tool_use", id, name, input: JSON.parse(argumentsJson) as unknown });
  }
  return blocks;
}

/** A `message` body (Message). */
export function anthropicMessage(input: MockChatInput = {}) {
  const chat = completeMockChat(input, DEFAULTS);
  return {
    id: chat.id,
    type: "message",
    role: "assistant",
    model: chat.model,
    content: contentBlocks(chat),
    stop_reason: stopReason(chat),
    stop_sequence: null,
    usage: usageOf(chat),
  };
}

export interface AnthropicStreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * The events of a Messages stream, as the API sends them: message_start (usage.output_tokens 1, as the real
 * API reports before generating), ping, per content block start / deltas / stop (thinking word by word then
 * its signature_delta; text word by word; a tool_use block's input as input_json_delta pieces, the first one
 * empty), message_delta with the stop reason and the whole usage (cumulative, as the API reports it),
 * message_stop.
 */
export function anthropicStreamEvents(input: MockChatInput = {}): AnthropicStreamEvent[] {
  const chat = completeMockChat(input, DEFAULTS);
  const event = (data: Record<string, unknown> & { type: string }) => ({ event: data.type, data });
  const events: AnthropicStreamEvent[] = [
    event({
      type: "message_start",
      message: {
        ...anthropicMessage(chat),
        content: [],
        stop_reason: null,
        usage: usageOf(chat, 1),
      },
    }),
    event({ type: "ping" }),
  ];
  let index = 0;
  if (chat.thinking !== undefined) {
    const block = { type: "thinking", thinking: "", signature: "" };
    events.push(event({ type: "content_block_start", index, content_block: block }));
    for (const word of splitWords(chat.thinking)) {
      events.push(
        event({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: word } }),
      );
    }
    const signature = { type: "signature_delta", signature: anthropicSignature(chat.id) };
    events.push(event({ type: "content_block_delta", index, delta: signature }));
    events.push(event({ type: "content_block_stop", index }));
    index++;
  }
  if (chat.text !== undefined) {
    events.push(event({ type: "content_block_start", index, content_block: { type: "text", text: "" } }));
    for (const word of splitWords(chat.text)) {
      events.push(event({ type: "content_block_delta", index, delta: { type: "text_delta", text: word } }));
    }
    events.push(event({ type: "content_block_stop", index }));
    index++;
  }
  if (chat.toolCall !== undefined) {
    const { id, name, argumentsJson } = chat.toolCall;
    events.push(
      event({ type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: {} } }),
    );
    for (const piece of ["", ...splitPieces(argumentsJson)]) {
      events.push(
        event({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        }),
      );
    }
    events.push(event({ type: "content_block_stop", index }));
  }
  events.push(
    event({
      type: "message_delta",
      delta: { stop_reason: stopReason(chat), stop_sequence: null },
      usage: usageOf(chat),
    }),
    event({ type: "message_stop" }),
  );
  return events;
}

/** The SSE frames of a Messages stream: `event: <type>\ndata: {...}\n\n` per event. */
export function anthropicStreamFrames(input: MockChatInput = {}): string[] {
  return anthropicStreamEvents(input).map(({ event, data }) => sseFrame(data, event));
}

/** An Anthropic error body (ErrorResponse). `type` is one of the spec's error types, e.g.
 * invalid_request_error, authentication_error, not_found_error, rate_limit_error, overloaded_error. */
export function anthropicError(type: string, message: string) {
  return { type: "error", error: { type, message } };
}
