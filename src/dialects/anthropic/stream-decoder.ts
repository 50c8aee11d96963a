import {
  classifyUpstreamError,
  createUsage,
  type ErrorCode,
  GatewayError,
  type StreamBlock,
  type StreamDecoder,
  type StreamEvent,
} from "../../canonical/index.js";
import type { SseFrame } from "../../framing/sse-decoder.js";
import {
  invalidUpstreamResponse,
  isRecord,
  type JsonRecord,
  optionalNumber,
  optionalString,
  unixSecondsNow,
} from "../narrow.js";
import { ANTHROPIC_REASONING_ORIGIN } from "./chat-response.js";
import { ANTHROPIC_ERROR_SIGNALS } from "./error-signals.js";
import { decodeStopReason } from "./stop-reason.js";
import { decodeInputTokens, decodeUsageDetails } from "./usage.js";

/**
 * Decodes a Messages API stream (https://docs.anthropic.com/en/api/messages-streaming): `message_start`, then
 * per content block `content_block_start`, deltas and `content_block_stop`, then `message_delta` (stop reason,
 * cumulative usage) and `message_stop`. `ping` events may come at any point; `error` events end the stream.
 * Anthropic streams have one candidate, so every event is for choice 0, and block indexes are Anthropic's.
 */
export function createStreamDecoder(): StreamDecoder<SseFrame> {
  return new MessagesStreamDecoder();
}

/** Error types of an in-stream `error` event (https://docs.anthropic.com/en/api/errors) with a code of their own. */
const ERROR_CODE_OF_TYPE: Readonly<Record<string, ErrorCode>> = {
  overloaded_error: "overloaded",
  rate_limit_error: "rate_limited",
};

class MessagesStreamDecoder implements StreamDecoder<SseFrame> {
  /** `done` after message_stop or an error: nothing is emitted after either. */
  private state: "before_start" | "streaming" | "done" = "before_start";
  /** Open blocks the canonical stream carries, by Anthropic index; other block kinds are skipped. */
  private readonly openBlocks = new Map<number, StreamBlock["kind"]>();
  private finishSent = false;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;
  skippedFrames = 0;
  /** The latest usage object's breakdown: Anthropic's counts are cumulative, so the latest is the total. */
  private details: JsonRecord = {};

  push(frame: SseFrame): StreamEvent[] {
    if (this.state === "done") return [];
    let payload: unknown;
    try {
      payload = JSON.parse(frame.data);
    } catch {
      // A garbled event: skipped (lenient parsing); the caller logs and counts it. An `error` event that
      // cannot be read still ends the stream.
      if (frame.event === "error") return this.fail(unreadableErrorEvent(frame.data));
      this.skippedFrames++;
      return [];
    }
    if (!isRecord(payload)) {
      this.skippedFrames++;
      return [];
    }
    // The data's `type` repeats the SSE event name; the data is what the documentation specifies in full.
    const type = optionalString(payload.type) ?? frame.event;
    if (type === "error") return this.fail(decodeStreamError(payload));
    if (type === "message_start") return this.start(payload);
    if (!isMessageEvent(type)) {
      // `ping` keeps the connection alive; unknown event types must be ignored, as the documentation requires
      // of clients so that new ones can be added (https://docs.anthropic.com/en/api/messages-streaming#other-events).
      return [];
    }
    if (this.state === "before_start") {
      return this.fail(invalidUpstreamResponse(`the stream sent ${type} before message_start`));
    }
    return this.continue(type, payload);
  }

  finish(): StreamEvent[] {
    if (this.state === "done") return [];
    // The stop reason and final usage arrived (message_delta): only message_stop is missing. Complete.
    if (this.finishSent && this.openBlocks.size === 0) return this.stop();
    return this.fail(
      new GatewayError(
        "upstream_invalid_response",
        "The upstream stream ended before message_stop: the response is incomplete.",
      ),
    );
  }

  private start(payload: JsonRecord): StreamEvent[] {
    // A repeated message_start would restart nothing; it is ignored.
    if (this.state !== "before_start") return [];
    this.state = "streaming";
    const message = isRecord(payload.message) ? payload.message : {};
    const start: StreamEvent = {
      type: "message_start",
      id: optionalString(message.id) ?? null,
      model: optionalString(message.model) ?? "",
      created: unixSecondsNow(),
    };
    if (isRecord(message.usage)) {
      this.inputTokens = decodeInputTokens(message.usage);
      this.details = message.usage;
      // The input is known from the start; the output so far is not the answer's, so it is left unknown.
      start.usage = createUsage(this.inputTokens, null, decodeUsageDetails(message.usage));
    }
    return [start];
  }

  private continue(type: MessageEventType, payload: JsonRecord): StreamEvent[] {
    switch (type) {
      case "content_block_start":
        return this.startBlock(payload);
      case "content_block_delta":
        return this.delta(payload);
      case "content_block_stop":
        return this.stopBlock(payload);
      case "message_delta":
        return this.messageDelta(payload);
      case "message_stop":
        return this.stop();
    }
  }

  private startBlock(payload: JsonRecord): StreamEvent[] {
    const index = optionalNumber(payload.index);
    const block = payload.content_block;
    if (index === undefined || !isRecord(block)) {
      return this.fail(invalidUpstreamResponse("a content_block_start event has no index or content_block"));
    }
    if (block.type === "text") {
      this.openBlocks.set(index, "text");
      const events: StreamEvent[] = [{ type: "block_start", choice: 0, index, block: { kind: "text" } }];
      const text = optionalString(block.text) ?? "";
      if (text !== "") events.push({ type: "text_delta", choice: 0, index, text });
      return events;
    }
    if (block.type === "tool_use") {
      this.openBlocks.set(index, "tool_call");
      // `input` is always `{}` here: the arguments follow as input_json_delta pieces.
      const id = optionalString(block.id) ?? "";
      const name = optionalString(block.name) ?? "";
      return [{ type: "block_start", choice: 0, index, block: { kind: "tool_call", id, name } }];
    }
    if (block.type === "thinking" || block.type === "redacted_thinking") {
      this.openBlocks.set(index, "reasoning");
      const reasoning: StreamBlock = { kind: "reasoning", origin: ANTHROPIC_REASONING_ORIGIN };
      if (block.type === "redacted_thinking") reasoning.redacted = optionalString(block.data) ?? "";
      const events: StreamEvent[] = [{ type: "block_start", choice: 0, index, block: reasoning }];
      const text = optionalString(block.thinking) ?? "";
      if (text !== "") events.push({ type: "reasoning_delta", choice: 0, index, text });
      return events;
    }
    // Server-tool blocks have no canonical counterpart: skipped whole.
    return [];
  }

  private delta(payload: JsonRecord): StreamEvent[] {
    const index = optionalNumber(payload.index);
    const kind = index === undefined ? undefined : this.openBlocks.get(index);
    const delta = payload.delta;
    if (index === undefined || kind === undefined || !isRecord(delta)) return [];
    if (kind === "text" && delta.type === "text_delta") {
      const text = optionalString(delta.text) ?? "";
      return text === "" ? [] : [{ type: "text_delta", choice: 0, index, text }];
    }
    if (kind === "tool_call" && delta.type === "input_json_delta") {
      const json = optionalString(delta.partial_json) ?? "";
      return json === "" ? [] : [{ type: "tool_arguments_delta", choice: 0, index, json }];
    }
    if (kind === "reasoning" && delta.type === "thinking_delta") {
      const text = optionalString(delta.thinking) ?? "";
      return text === "" ? [] : [{ type: "reasoning_delta", choice: 0, index, text }];
    }
    if (kind === "reasoning" && delta.type === "signature_delta") {
      const signature = optionalString(delta.signature) ?? "";
      return signature === "" ? [] : [{ type: "reasoning_signature", choice: 0, index, signature }];
    }
    // `citations_delta` has no canonical counterpart.
    return [];
  }

  private stopBlock(payload: JsonRecord): StreamEvent[] {
    const index = optionalNumber(payload.index);
    if (index === undefined || !this.openBlocks.delete(index)) return [];
    return [{ type: "block_stop", choice: 0, index }];
  }

  /** Usage counts in message_delta are cumulative, so the latest ones win. */
  private messageDelta(payload: JsonRecord): StreamEvent[] {
    if (isRecord(payload.usage)) {
      this.outputTokens = optionalNumber(payload.usage.output_tokens) ?? this.outputTokens;
      // message_delta may leave out (or null) what message_start already said: fields present win.
      const present = Object.fromEntries(
        Object.entries(payload.usage).filter(([, value]) => value !== null && value !== undefined),
      );
      this.details = { ...this.details, ...present };
      this.inputTokens = decodeInputTokens(this.details) ?? this.inputTokens;
    }
    const delta = isRecord(payload.delta) ? payload.delta : {};
    if (typeof delta.stop_reason !== "string" || this.finishSent) return [];
    this.finishSent = true;
    return [{ type: "finish", choice: 0, reason: decodeStopReason(delta.stop_reason) }];
  }

  private stop(): StreamEvent[] {
    this.state = "done";
    const events: StreamEvent[] = [];
    // A stream that never said why it stopped still gets its finish event, so the canonical stream is complete.
    if (!this.finishSent) events.push({ type: "finish", choice: 0, reason: null });
    events.push({
      type: "usage",
      usage: createUsage(this.inputTokens, this.outputTokens, decodeUsageDetails(this.details)),
    });
    return events;
  }

  private fail(error: GatewayError): StreamEvent[] {
    this.state = "done";
    return [{ type: "error", error }];
  }
}

const MESSAGE_EVENT_TYPES = [
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
] as const;
type MessageEventType = (typeof MESSAGE_EVENT_TYPES)[number];

function isMessageEvent(type: string | undefined): type is MessageEventType {
  return (MESSAGE_EVENT_TYPES as readonly (string | undefined)[]).includes(type);
}

/**
 * An `error` event (`{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}`) is how
 * Anthropic reports a failure after the HTTP status was sent; overloaded_error is the streaming form of HTTP 529.
 */
export function decodeStreamError(payload: JsonRecord): GatewayError {
  const error = isRecord(payload.error) ? payload.error : {};
  const errorType = optionalString(error.type) ?? "unknown_error";
  const code = Object.hasOwn(ERROR_CODE_OF_TYPE, errorType) ? ERROR_CODE_OF_TYPE[errorType] : undefined;
  const message =
    optionalString(error.message) ?? `The upstream reported an error in the stream (${errorType}).`;
  const failureKind = classifyUpstreamError(
    undefined,
    ANTHROPIC_ERROR_SIGNALS.readFields(payload),
    ANTHROPIC_ERROR_SIGNALS.signals,
  );
  return new GatewayError(code ?? "upstream_http_error", message, { failureKind });
}

/** The start of a bad data line, for the error message: enough to recognise it, short enough for a log. */
function preview(data: string): string {
  return JSON.stringify(data.length > 80 ? `${data.slice(0, 80)}...` : data);
}

/** An `error` event whose data cannot be read: the stream failed, though it cannot say how. */
function unreadableErrorEvent(data: string): GatewayError {
  return new GatewayError(
    "upstream_invalid_response",
    `The upstream ended its stream with an error event the gateway cannot read (${preview(data)}).`,
  );
}
