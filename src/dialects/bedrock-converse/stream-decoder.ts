import { GatewayError, type StreamDecoder, type StreamEvent } from "../../canonical/index.js";
import { AwsEventStreamDecoder, type EventStreamMessage } from "../../framing/aws-event-stream.js";
import {
  invalidUpstreamResponse,
  isRecord,
  type JsonRecord,
  optionalNumber,
  optionalString,
  unixSecondsNow,
} from "../narrow.js";
import { BEDROCK_REASONING_ORIGIN, redactedSignature } from "./reasoning.js";
import { decodeStopReason } from "./stop-reason.js";
import { decodeStreamException } from "./stream-exception.js";
import { decodeUsage } from "./usage.js";

/** The content type of a ConverseStream answer; an error answer is JSON instead. */
export const EVENT_STREAM_CONTENT_TYPE = /^application\/vnd\.amazon\.eventstream\b/i;

/** A decoder of a ConverseStream body's bytes: the AWS event-stream framing, then the events. */
export function createConverseStreamDecoder(model: string): StreamDecoder<Uint8Array> {
  const frames = new AwsEventStreamDecoder();
  const events = createConverseEventDecoder(model);
  return {
    push(chunk) {
      let messages: EventStreamMessage[];
      try {
        messages = frames.push(chunk);
      } catch (cause) {
        return events.fail(
          new GatewayError(
            "upstream_invalid_response",
            "The upstream returned a response the gateway cannot read: an event-stream message is corrupt.",
            { cause },
          ),
        );
      }
      const decoded: StreamEvent[] = [];
      for (const message of messages) decoded.push(...events.push(message));
      return decoded;
    },
    finish: () => events.finish(),
    get skippedFrames() {
      return events.skippedFrames;
    },
  };
}

const utf8 = new TextDecoder();

/**
 * Decodes ConverseStream events (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html):
 * `messageStart`, per content block an optional `contentBlockStart` (only tool-use blocks have one), deltas and
 * `contentBlockStop`, then `messageStop` (the stop reason) and `metadata` (usage). Blocks are keyed by their
 * `contentBlockIndex` on every event, never by arrival order, and a text block's start is synthesised at its
 * first delta, as is a reasoning block's (its text, signature and redacted content come as `reasoningContent`
 * deltas: reasoning_delta and reasoning_signature events, see reasoning.ts). An `exception` message ends the stream with its error; a stream
 * that ends before `messageStop` ends with an error event.
 */
export function createConverseEventDecoder(model: string): ConverseEventDecoder {
  return new ConverseEventDecoder(model);
}

export class ConverseEventDecoder implements StreamDecoder<EventStreamMessage> {
  private state: "before_start" | "streaming" | "stopped" | "done" = "before_start";
  private readonly openBlocks = new Map<number, "text" | "tool_call" | "reasoning">();
  /** Event messages whose payload is not JSON, skipped (lenient parsing; the caller logs and counts them). */
  skippedFrames = 0;

  constructor(private readonly model: string) {}

  push(message: EventStreamMessage): StreamEvent[] {
    if (this.state === "done") return [];
    const messageType = message.headers[":message-type"];
    if (messageType === "error") {
      const code = message.headers[":error-code"] ?? "error";
      return this.fail(decodeStreamException(code, { message: message.headers[":error-message"] }));
    }
    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(message.payload));
    } catch (cause) {
      if (messageType === "exception") {
        return this.fail(
          new GatewayError(
            "upstream_invalid_response",
            "The upstream returned a response the gateway cannot read: a stream exception's payload is not valid JSON.",
            { cause },
          ),
        );
      }
      // A garbled event (its framing intact, so the stream can go on): skipped, as the SSE decoders do.
      this.skippedFrames++;
      return [];
    }
    if (messageType === "exception") {
      return this.fail(decodeStreamException(message.headers[":exception-type"] ?? "exception", payload));
    }
    if (!isRecord(payload)) {
      this.skippedFrames++;
      return [];
    }
    return this.event(message.headers[":event-type"], payload);
  }

  finish(): StreamEvent[] {
    if (this.state === "done") return [];
    if (this.state === "stopped") {
      this.state = "done";
      return [];
    }
    return this.fail(
      new GatewayError(
        "upstream_invalid_response",
        "The upstream stream ended before messageStop: the response is incomplete.",
      ),
    );
  }

  fail(error: GatewayError): StreamEvent[] {
    if (this.state === "done") return [];
    this.state = "done";
    return [{ type: "error", error }];
  }

  private event(type: string | undefined, payload: JsonRecord): StreamEvent[] {
    if (type === "messageStart") {
      if (this.state !== "before_start") return [];
      this.state = "streaming";
      return [{ type: "message_start", id: null, model: this.model, created: unixSecondsNow() }];
    }
    if (type === "metadata") {
      // The last event: usage comes after messageStop.
      const events: StreamEvent[] = [{ type: "usage", usage: decodeUsage(payload.usage) }];
      if (this.state === "stopped") this.state = "done";
      return events;
    }
    if (
      type !== "contentBlockStart" &&
      type !== "contentBlockDelta" &&
      type !== "contentBlockStop" &&
      type !== "messageStop"
    ) {
      // Event types added later are ignored, as the service model's evolution allows.
      return [];
    }
    if (this.state === "before_start")
      return this.fail(invalidUpstreamResponse(`the stream sent ${type} before messageStart`));
    if (this.state !== "streaming") return [];
    if (type === "messageStop") return this.stop(payload);
    const index = optionalNumber(payload.contentBlockIndex);
    if (index === undefined)
      return this.fail(invalidUpstreamResponse(`a ${type} event has no contentBlockIndex`));
    if (type === "contentBlockStart") return this.startBlock(index, payload.start);
    if (type === "contentBlockDelta") return this.delta(index, payload.delta);
    return this.openBlocks.delete(index) ? [{ type: "block_stop", choice: 0, index }] : [];
  }

  private startBlock(index: number, start: unknown): StreamEvent[] {
    if (!isRecord(start) || !isRecord(start.toolUse) || this.openBlocks.has(index)) return [];
    this.openBlocks.set(index, "tool_call");
    const id = optionalString(start.toolUse.toolUseId) ?? "";
    const name = optionalString(start.toolUse.name) ?? "";
    return [{ type: "block_start", choice: 0, index, block: { kind: "tool_call", id, name } }];
  }

  private delta(index: number, delta: unknown): StreamEvent[] {
    if (!isRecord(delta)) return [];
    const kind = this.openBlocks.get(index);
    if (typeof delta.text === "string") {
      if (delta.text === "" || kind === "tool_call") return [];
      const events: StreamEvent[] = [];
      if (kind === undefined) {
        this.openBlocks.set(index, "text");
        events.push({ type: "block_start", choice: 0, index, block: { kind: "text" } });
      }
      events.push({ type: "text_delta", choice: 0, index, text: delta.text });
      return events;
    }
    if (isRecord(delta.toolUse) && kind === "tool_call") {
      const json = optionalString(delta.toolUse.input) ?? "";
      return json === "" ? [] : [{ type: "tool_arguments_delta", choice: 0, index, json }];
    }
    if (isRecord(delta.reasoningContent) && (kind === undefined || kind === "reasoning"))
      return this.reasoningDelta(index, kind === undefined, delta.reasoningContent);
    // Citation deltas have no canonical counterpart.
    return [];
  }

  /** A ReasoningContentBlockDelta: one of text, signature or redacted content. */
  private reasoningDelta(index: number, opens: boolean, delta: JsonRecord): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (opens) {
      this.openBlocks.set(index, "reasoning");
      events.push({
        type: "block_start",
        choice: 0,
        index,
        block: { kind: "reasoning", origin: BEDROCK_REASONING_ORIGIN },
      });
    }
    const text = optionalString(delta.text);
    const signature = optionalString(delta.signature);
    const redacted = optionalString(delta.redactedContent);
    if (text !== undefined && text !== "") events.push({ type: "reasoning_delta", choice: 0, index, text });
    else if (signature !== undefined && signature !== "")
      events.push({ type: "reasoning_signature", choice: 0, index, signature });
    else if (redacted !== undefined && redacted !== "")
      events.push({ type: "reasoning_signature", choice: 0, index, signature: redactedSignature(redacted) });
    return events;
  }

  private stop(payload: JsonRecord): StreamEvent[] {
    this.state = "stopped";
    const events: StreamEvent[] = [];
    for (const index of this.openBlocks.keys()) events.push({ type: "block_stop", choice: 0, index });
    this.openBlocks.clear();
    events.push({ type: "finish", choice: 0, reason: decodeStopReason(payload.stopReason) });
    return events;
  }
}
