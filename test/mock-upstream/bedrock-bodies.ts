import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import {
  completeMockChat,
  countWords,
  embeddingFor,
  type MockChat,
  type MockChatInput,
  splitPieces,
  splitWords,
} from "./echo-rules.js";

/**
 * Amazon Bedrock wire bodies (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html,
 * .../API_runtime_ConverseStream.html), built from provider-neutral inputs. Streams are AWS event-stream
 * messages encoded by the AWS SDK's own codec, so their framing and checksums are exactly the service's.
 */

const DEFAULTS = { id: "bedrock-mock", model: "anthropic.claude-3-5-sonnet-20240620-v1:0" };

function stopReason(chat: MockChat): "end_turn" | "tool_use" {
  return chat.toolCall === undefined ? "end_turn" : "tool_use";
}

function usage(chat: MockChat) {
  return {
    inputTokens: chat.inputTokens,
    outputTokens: chat.outputTokens,
    totalTokens: chat.inputTokens + chat.outputTokens,
  };
}

/**
 * A ConverseResponse body. A thinking answer (https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html)
 * starts with its reasoningContent block, signed with `signature`.
 */
export function converseResponse(input: MockChatInput = {}, signature = "sig_bedrock_mock") {
  const chat = completeMockChat(input, DEFAULTS);
  const content: Record<string, unknown>[] = [];
  if (chat.thinking !== undefined)
    content.push({ reasoningContent: { reasoningText: { text: chat.thinking, signature } } });
  if (chat.text !== undefined) content.push({ text: chat.text });
  if (chat.toolCall !== undefined) {
    const { id, name, argumentsJson } = chat.toolCall;
    content.push({ toolUse: { toolUseId: id, name, input: JSON.parse(argumentsJson) as unknown } });
  }
  return {
    output: { message: { role: "assistant", content } },
    stopReason: stopReason(chat),
    usage: usage(chat),
    metrics: { latencyMs: 42 },
  };
}

export interface ConverseStreamEvent {
  type: string;
  payload: Record<string, unknown>;
}

/**
 * The events of a ConverseStream answer as Bedrock sends them: messageStart; a text block with no
 * contentBlockStart (text blocks have none), its text word by word; a tool-use block with a contentBlockStart and
 * its input JSON in pieces; messageStop; metadata with usage. Every payload carries the random padding field
 * `p` that Bedrock adds, which clients must ignore. A thinking answer starts with a reasoning block (no start
 * event either): its text word by word in `reasoningContent` deltas, then its signature in one.
 */
export function converseStreamEvents(
  input: MockChatInput = {},
  signature = "sig_bedrock_mock",
): ConverseStreamEvent[] {
  const chat = completeMockChat(input, DEFAULTS);
  const events: ConverseStreamEvent[] = [{ type: "messageStart", payload: { role: "assistant" } }];
  let index = 0;
  if (chat.thinking !== undefined) {
    for (const word of splitWords(chat.thinking)) {
      events.push({
        type: "contentBlockDelta",
        payload: { contentBlockIndex: index, delta: { reasoningContent: { text: word } } },
      });
    }
    events.push(
      {
        type: "contentBlockDelta",
        payload: { contentBlockIndex: index, delta: { reasoningContent: { signature } } },
      },
      { type: "contentBlockStop", payload: { contentBlockIndex: index } },
    );
    index++;
  }
  if (chat.text !== undefined) {
    for (const word of splitWords(chat.text)) {
      events.push({
        type: "contentBlockDelta",
        payload: { contentBlockIndex: index, delta: { text: word } },
      });
    }
    events.push({ type: "contentBlockStop", payload: { contentBlockIndex: index } });
    index++;
  }
  if (chat.toolCall !== undefined) {
    const { id, name, argumentsJson } = chat.toolCall;
    events.push({
      type: "contentBlockStart",
      payload: { contentBlockIndex: index, start: { toolUse: { toolUseId: id, name } } },
    });
    for (const piece of splitPieces(argumentsJson)) {
      events.push({
        type: "contentBlockDelta",
        payload: { contentBlockIndex: index, delta: { toolUse: { input: piece } } },
      });
    }
    events.push({ type: "contentBlockStop", payload: { contentBlockIndex: index } });
  }
  events.push(
    { type: "messageStop", payload: { stopReason: stopReason(chat) } },
    { type: "metadata", payload: { usage: usage(chat), metrics: { latencyMs: 42 } } },
  );
  return events;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One event-stream message: `:message-type event`, the event type and JSON content type, the payload. */
export function eventStreamFrame(
  type: string,
  payload: unknown,
  messageType: "event" | "exception" = "event",
): Buffer {
  return rawEventStreamFrame(type, JSON.stringify(payload), messageType);
}

/** An event-stream message whose payload is any text, valid JSON or not. */
export function rawEventStreamFrame(
  type: string,
  payload: string,
  messageType: "event" | "exception" = "event",
): Buffer {
  const typeHeader = messageType === "event" ? ":event-type" : ":exception-type";
  const bytes = codec.encode({
    headers: {
      ":message-type": { type: "string", value: messageType },
      [typeHeader]: { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: fromUtf8(payload),
  });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The frames of a ConverseStream answer, each event padded with `p` as Bedrock does. */
export function converseStreamFrames(input: MockChatInput = {}, signature?: string): Buffer[] {
  return converseStreamEvents(input, signature).map(({ type, payload }) =>
    eventStreamFrame(type, { ...payload, p: "abcdefgh" }),
  );
}

/** An error body; the exception's name goes in the `x-amzn-ErrorType` header (see bedrockErrorHeaders). */
export function bedrockError(message: string) {
  return { message };
}

export function bedrockErrorHeaders(exception: string): Record<string, string> {
  return {
    "x-amzn-errortype": `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    "x-amzn-requestid": "req-mock",
  };
}

/** A Titan Text Embeddings answer for one text (the mocks' embedding rule, echo-rules.ts). */
export function titanEmbedResponse(text: string) {
  return { embedding: embeddingFor(text), inputTextTokenCount: countWords(text) };
}

/** A Cohere Embed on Bedrock answer (`embedding_types: ["float"]`); tokens are in a header. */
export function cohereOnBedrockEmbedResponse(texts: string[], id: string) {
  return { id, response_type: "embeddings_by_type", texts, embeddings: { float: texts.map(embeddingFor) } };
}
