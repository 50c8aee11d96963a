import {
  completeMockChat,
  countWords,
  embeddingFor,
  type MockChat,
  type MockChatInput,
  splitPieces,
  splitWords,
} from "./echo-rules.js";
import { sseFrame } from "./sse-frame.js";

/**
 * Cohere v2 wire bodies (https://docs.cohere.com/reference/chat, https://docs.cohere.com/reference/embed),
 * built from provider-neutral inputs. Exported so tests can script modified answers.
 */

const DEFAULTS = { id: "chat-mock", model: "command-r-plus" };

function finishReason(chat: MockChat): "COMPLETE" | "TOOL_CALL" {
  return chat.toolCall === undefined ? "COMPLETE" : "TOOL_CALL";
}

/** Cohere reports billed and raw token counts separately; the mock uses the same numbers for both. */
function usage(chat: MockChat) {
  const counts = { input_tokens: chat.inputTokens, output_tokens: chat.outputTokens };
  return { billed_units: counts, tokens: counts };
}

function toolCallOf(chat: MockChat) {
  if (chat.toolCall === undefined) return undefined;
  const { id, name, argumentsJson } = chat.toolCall;
  return { id, type: "function", function: { name, arguments: argumentsJson } };
}

/** A non-streamed /v2/chat body (V2ChatResponse). */
export function cohereChatResponse(input: MockChatInput = {}) {
  const chat = completeMockChat(input, DEFAULTS);
  const toolCall = toolCallOf(chat);
  return {
    id: chat.id,
    message: {
      role: "assistant",
      ...((chat.text !== undefined || chat.thinking !== undefined) && {
        content: [
          ...(chat.thinking === undefined ? [] : [{ type: "thinking", thinking: chat.thinking }]),
          ...(chat.text === undefined ? [] : [{ type: "text", text: chat.text }]),
        ],
      }),
      ...(toolCall && { tool_calls: [toolCall] }),
    },
    finish_reason: finishReason(chat),
    usage: usage(chat),
  };
}

export interface CohereStreamEvent {
  /** The SSE event name, always equal to `data.type` (as in the recorded examples). */
  event: string;
  data: Record<string, unknown>;
}

/**
 * The events of a /v2/chat stream, shaped like the recorded examples (chat-v2-post_stream*.yaml):
 * message-start, then (when the model thinks) a thinking content block word by word, then content-start /
 * content-delta word by word / content-end, or tool-call-start (with empty arguments) / tool-call-delta pieces /
 * tool-call-end, then message-end with finish_reason and usage. Content blocks are numbered from 0.
 */
export function cohereStreamEvents(input: MockChatInput = {}): CohereStreamEvent[] {
  const chat = completeMockChat(input, DEFAULTS);
  const event = (data: Record<string, unknown> & { type: string }) => ({ event: data.type, data });
  const events: CohereStreamEvent[] = [
    event({ type: "message-start", id: chat.id, delta: { message: { role: "assistant" } } }),
  ];
  const content = (value: Record<string, unknown>) => ({ message: { content: value } });
  let index = 0;
  if (chat.thinking !== undefined) {
    events.push(event({ type: "content-start", index, delta: content({ type: "thinking", thinking: "" }) }));
    for (const word of splitWords(chat.thinking)) {
      events.push(event({ type: "content-delta", index, delta: content({ thinking: word }) }));
    }
    events.push(event({ type: "content-end", index }));
    index++;
  }
  if (chat.text !== undefined) {
    events.push(event({ type: "content-start", index, delta: content({ type: "text", text: "" }) }));
    for (const word of splitWords(chat.text)) {
      events.push(event({ type: "content-delta", index, delta: content({ text: word }) }));
    }
    events.push(event({ type: "content-end", index }));
  }
  const toolCall = toolCallOf(chat);
  if (toolCall !== undefined) {
    const start = { ...toolCall, function: { ...toolCall.function, arguments: "" } };
    events.push(event({ type: "tool-call-start", index: 0, delta: { message: { tool_calls: start } } }));
    for (const piece of splitPieces(toolCall.function.arguments)) {
      const delta = { message: { tool_calls: { function: { arguments: piece } } } };
      events.push(event({ type: "tool-call-delta", index: 0, delta }));
    }
    events.push(event({ type: "tool-call-end", index: 0 }));
  }
  events.push(
    event({ type: "message-end", delta: { finish_reason: finishReason(chat), usage: usage(chat) } }),
  );
  return events;
}

/**
 * The SSE frames of a /v2/chat stream: `event: <type>\ndata: {...}\n\n` per event. The recorded examples end
 * with message-end; the spec's `x-fern-streaming.terminator` also names "[DONE]", so tests may add
 * `sseFrame("[DONE]")` to check that the gateway tolerates it.
 */
export function cohereStreamFrames(input: MockChatInput = {}): string[] {
  return cohereStreamEvents(input).map(({ event, data }) => sseFrame(data, event));
}

export type CohereEmbeddingType = "float" | "int8" | "uint8" | "binary" | "ubinary" | "base64";

/**
 * A /v2/embed body (V2EmbedResponse): embeddingFor(text) per text under each requested type. The integer
 * types are the float values rounded (unsigned ones clamped at 0); base64 is the float32 little-endian bytes.
 */
export function cohereEmbedResponse(
  texts: string[],
  types: CohereEmbeddingType[] = ["float"],
  id = "embed-mock",
) {
  const vectors = texts.map(embeddingFor);
  const rounded = (min: number) =>
    vectors.map((vector) => vector.map((value) => Math.max(min, Math.round(value))));
  const byType: Record<CohereEmbeddingType, () => unknown> = {
    float: () => vectors,
    int8: () => rounded(-128),
    uint8: () => rounded(0),
    binary: () => rounded(-128),
    ubinary: () => rounded(0),
    base64: () => vectors.map((vector) => Buffer.from(new Float32Array(vector).buffer).toString("base64")),
  };
  return {
    id,
    texts,
    embeddings: Object.fromEntries(types.map((type) => [type, byType[type]()])),
    meta: {
      api_version: { version: "2" },
      billed_units: { input_tokens: texts.reduce((sum, text) => sum + countWords(text), 0) },
    },
    response_type: "embeddings_by_type",
  };
}

/** A Cohere error body (ErrorResponse): `{id, message}`. */
export function cohereError(message: string, id = "error-mock") {
  return { id, message };
}
