import {
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
import { decodeFinishReason } from "./finish-reason.js";
import { COHERE_REASONING_ORIGIN } from "./reasoning.js";
import { decodeUsage } from "./usage.js";

/**
 * Decodes a Cohere v2 chat stream (https://docs.cohere.com/v2/docs/streaming): `message-start`, then text blocks
 * (`content-start`, `content-delta`..., `content-end`) and tool calls (`tool-call-start`, `tool-call-delta`...,
 * `tool-call-end`), then `message-end` with the finish reason and usage. Each frame names its type twice, in the
 * SSE `event:` field and in the data's `type`; the data's is read (the spec discriminates on it) and the SSE name
 * is the fallback. After message-end Cohere sends `data: [DONE]`, the terminator its SDKs stop at (`x-fern-streaming`
 * in Cohere's OpenAPI spec; https://github.com/cohere-ai/cohere-python/issues/730); it is skipped.
 *
 * Text blocks and tool calls are numbered separately upstream (both start at 0), so canonical block indexes are
 * given out in order of appearance. A v2 response is one candidate: every event is for choice 0.
 * v2 responses name no model, so `model` is the one the target is configured with.
 */
export function createStreamDecoder(model: string): StreamDecoder<SseFrame> {
  return new ChatStreamDecoder(model);
}

class ChatStreamDecoder implements StreamDecoder<SseFrame> {
  /** `done` after message-end or an error: nothing is emitted after either. */
  private state: "before_start" | "streaming" | "done" = "before_start";
  private nextIndex = 0;
  /** Canonical index of each open block, keyed by upstream kind and index (`text:0`, `tool:0`). */
  private readonly openBlocks = new Map<string, number>();
  /** Canonical indexes of the blocks that are thinking. */
  private readonly reasoningBlocks = new Set<number>();

  skippedFrames = 0;

  constructor(private readonly model: string) {}

  push(frame: SseFrame): StreamEvent[] {
    if (this.state === "done" || frame.data.trim() === "[DONE]") return [];
    let payload: unknown;
    try {
      payload = JSON.parse(frame.data);
    } catch {
      // A garbled event: skipped (lenient parsing); the caller logs and counts it.
      this.skippedFrames++;
      return [];
    }
    if (!isRecord(payload)) {
      this.skippedFrames++;
      return [];
    }
    const type = optionalString(payload.type) ?? frame.event;
    if (type === "message-start") return this.start(payload);
    if (!isBodyEvent(type)) {
      // `tool-plan-delta` is the model's plan before it calls tools (https://docs.cohere.com/v2/docs/tool-use): a
      // chain-of-thought, not answer text, so it is not forwarded. `citation-start`/`citation-end` annotate text
      // already sent and have no canonical counterpart; `debug` and unknown types are skipped as well.
      return [];
    }
    if (this.state === "before_start") {
      return this.fail(invalidUpstreamResponse(`the stream sent ${type} before message-start`));
    }
    const index = optionalNumber(payload.index) ?? 0;
    const message = readMessageDelta(payload);
    switch (type) {
      case "content-start":
        return this.startText(index, message);
      case "content-delta":
        return this.textDelta(index, message);
      case "tool-call-start":
        return this.startToolCall(index, message);
      case "tool-call-delta":
        return this.toolArgumentsDelta(index, message);
      case "content-end":
        return this.stopBlock(`text:${index}`);
      case "tool-call-end":
        return this.stopBlock(`tool:${index}`);
      case "message-end":
        return this.end(payload);
    }
  }

  finish(): StreamEvent[] {
    if (this.state === "done") return [];
    return this.fail(
      new GatewayError(
        "upstream_invalid_response",
        "The upstream stream ended before message-end: the response is incomplete.",
      ),
    );
  }

  private start(payload: JsonRecord): StreamEvent[] {
    // A repeated message-start would restart nothing; it is ignored.
    if (this.state !== "before_start") return [];
    this.state = "streaming";
    return [
      {
        type: "message_start",
        id: optionalString(payload.id) ?? null,
        model: this.model,
        created: unixSecondsNow(),
      },
    ];
  }

  /**
   * Reasoning models stream their thinking as content blocks of type `thinking`
   * (https://docs.cohere.com/docs/reasoning): those become reasoning blocks; other unknown types are skipped.
   */
  private startText(index: number, message: JsonRecord): StreamEvent[] {
    const content = isRecord(message.content) ? message.content : {};
    if (content.type === "thinking") {
      const events: StreamEvent[] = [];
      const block = this.openBlock(events, `text:${index}`, {
        kind: "reasoning",
        origin: COHERE_REASONING_ORIGIN,
      });
      this.reasoningBlocks.add(block);
      const thinking = optionalString(content.thinking) ?? "";
      if (thinking !== "") events.push({ type: "reasoning_delta", choice: 0, index: block, text: thinking });
      return events;
    }
    if (content.type !== undefined && content.type !== "text") return [];
    const events: StreamEvent[] = [];
    const block = this.openBlock(events, `text:${index}`, { kind: "text" });
    const text = optionalString(content.text) ?? "";
    if (text !== "") events.push({ type: "text_delta", choice: 0, index: block, text });
    return events;
  }

  private textDelta(index: number, message: JsonRecord): StreamEvent[] {
    const block = this.openBlocks.get(`text:${index}`);
    const content = isRecord(message.content) ? message.content : {};
    if (block !== undefined && this.reasoningBlocks.has(block)) {
      const thinking = optionalString(content.thinking) ?? "";
      return thinking === "" ? [] : [{ type: "reasoning_delta", choice: 0, index: block, text: thinking }];
    }
    const text = optionalString(content.text) ?? "";
    // Deltas of a skipped block have no open block.
    if (block === undefined || text === "") return [];
    return [{ type: "text_delta", choice: 0, index: block, text }];
  }

  private startToolCall(index: number, message: JsonRecord): StreamEvent[] {
    const call = isRecord(message.tool_calls) ? message.tool_calls : {};
    const fn = isRecord(call.function) ? call.function : {};
    const events: StreamEvent[] = [];
    const block = this.openBlock(events, `tool:${index}`, {
      kind: "tool_call",
      id: optionalString(call.id) ?? "",
      name: optionalString(fn.name) ?? "",
    });
    const json = optionalString(fn.arguments) ?? "";
    if (json !== "") events.push({ type: "tool_arguments_delta", choice: 0, index: block, json });
    return events;
  }

  private toolArgumentsDelta(index: number, message: JsonRecord): StreamEvent[] {
    const block = this.openBlocks.get(`tool:${index}`);
    if (block === undefined) {
      // The call's id and name came only in its start event; arguments without them cannot be used.
      return this.fail(
        invalidUpstreamResponse(
          `the stream sent tool-call-delta for tool call ${index}, which never started`,
        ),
      );
    }
    const call = isRecord(message.tool_calls) ? message.tool_calls : {};
    const fn = isRecord(call.function) ? call.function : {};
    const json = optionalString(fn.arguments) ?? "";
    return json === "" ? [] : [{ type: "tool_arguments_delta", choice: 0, index: block, json }];
  }

  /** Appends the block's start to `events` and returns its canonical index. */
  private openBlock(events: StreamEvent[], key: string, block: StreamBlock): number {
    // A block started twice is closed first, so the canonical stream stays well formed.
    events.push(...this.stopBlock(key));
    const index = this.nextIndex++;
    this.openBlocks.set(key, index);
    events.push({ type: "block_start", choice: 0, index, block });
    return index;
  }

  private stopBlock(key: string): StreamEvent[] {
    const index = this.openBlocks.get(key);
    if (index === undefined) return [];
    this.openBlocks.delete(key);
    return [{ type: "block_stop", choice: 0, index }];
  }

  /**
   * `message-end` carries the finish reason and the usage of the whole call, or an `error` message when the
   * generation failed after the stream began (https://docs.cohere.com/v2/reference/chat-stream).
   */
  private end(payload: JsonRecord): StreamEvent[] {
    const delta = isRecord(payload.delta) ? payload.delta : {};
    const error = optionalString(delta.error);
    if (error !== undefined && error !== "") {
      return this.fail(
        new GatewayError("upstream_http_error", `The upstream reported an error in the stream: ${error}`),
      );
    }
    const events: StreamEvent[] = [];
    for (const key of [...this.openBlocks.keys()]) events.push(...this.stopBlock(key));
    events.push({ type: "finish", choice: 0, reason: decodeFinishReason(delta.finish_reason) });
    if (isRecord(delta.usage)) events.push({ type: "usage", usage: decodeUsage(delta.usage) });
    this.state = "done";
    return events;
  }

  private fail(error: GatewayError): StreamEvent[] {
    this.state = "done";
    return [{ type: "error", error }];
  }
}

const BODY_EVENT_TYPES = [
  "content-start",
  "content-delta",
  "content-end",
  "tool-call-start",
  "tool-call-delta",
  "tool-call-end",
  "message-end",
] as const;
type BodyEventType = (typeof BODY_EVENT_TYPES)[number];

function isBodyEvent(type: string | undefined): type is BodyEventType {
  return (BODY_EVENT_TYPES as readonly (string | undefined)[]).includes(type);
}

/** Every v2 delta event nests its payload as `delta.message`. */
function readMessageDelta(payload: JsonRecord): JsonRecord {
  const delta = isRecord(payload.delta) ? payload.delta : {};
  return isRecord(delta.message) ? delta.message : {};
}
