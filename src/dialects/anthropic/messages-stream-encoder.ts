import {
  CONTINUATION_FIELD,
  createUsage,
  type GatewayError,
  type Reasoning,
  type StreamEvent,
  type Usage,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { reportedModel } from "../openai/reported-model.js";
import { encodeReasoningToken } from "../reasoning-token.js";
import { StreamEnding } from "../stream-ending.js";
import type { DialectStreamEncoder, EncodedFrame } from "../stream-frame.js";
import { ANTHROPIC_REASONING_ORIGIN } from "./chat-response.js";
import { encodeAnthropicError } from "./error-encoder.js";
import { encodeMessagesUsage, encodeStopReason } from "./messages-response-encoder.js";

interface OpenBlock {
  index: number;
  kind: "text" | "tool_call" | "reasoning";
  reasoning: Reasoning;
}

/**
 * Encodes a canonical stream as a Messages API stream (https://docs.anthropic.com/en/api/messages-streaming), event
 * by event as Anthropic sends them: `message_start` (with the input tokens when the upstream reported them at the
 * start), a `ping`, per block `content_block_start`, deltas and `content_block_stop` (a thinking block's signature
 * as a `signature_delta` just before its stop), then `message_delta` with the stop reason and the whole usage
 * (its counts are cumulative, so clients take the last; a continued stream's also reports the continuation in
 * `switchyard_continuation`), and `message_stop`. A stream that breaks ends with an
 * `error` event and no `message_stop`. Anthropic messages have one candidate: events of other choices are ignored.
 */
export class MessagesStreamEncoder implements DialectStreamEncoder {
  private readonly open = new Map<number, OpenBlock>();
  private nextIndex = 0;
  /** Its cost, when priced, is added to the final usage as `cost`, as on OpenAI. */
  private readonly ending = new StreamEnding();
  private startUsage: Usage | undefined;
  private ended = false;

  constructor(
    private readonly id: string,
    private readonly routeName: string,
    /**
     * Writes the rest of a message that is already streaming (mid-stream continuation): its next block index,
     * and the index of its text block if still open, which canonical block 0 continues.
     */
    resume?: { nextIndex: number; openText: number | undefined },
  ) {
    if (resume === undefined) return;
    this.nextIndex = resume.nextIndex;
    if (resume.openText !== undefined)
      this.open.set(0, { index: resume.openText, kind: "text", reasoning: { text: "" } });
  }

  push(event: StreamEvent): EncodedFrame[] {
    if (this.ended) return [];
    switch (event.type) {
      case "message_start": {
        this.startUsage = event.usage;
        const usage = encodeMessagesUsage(event.usage ?? createUsage(null, null));
        const message = {
          id: this.id,
          type: "message",
          role: "assistant",
          model: reportedModel(event.model, this.routeName),
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage,
        };
        return [frame("message_start", { message }), frame("ping", {})];
      }
      case "block_start":
        return event.choice === 0 ? this.startBlock(event.index, event.block) : [];
      case "text_delta":
        return this.delta(event.choice, event.index, "text", { type: "text_delta", text: event.text });
      case "tool_arguments_delta":
        return this.delta(event.choice, event.index, "tool_call", {
          type: "input_json_delta",
          partial_json: event.json,
        });
      case "reasoning_delta": {
        const block = event.choice === 0 ? this.open.get(event.index) : undefined;
        if (block?.kind === "reasoning") block.reasoning.text += event.text;
        return this.delta(event.choice, event.index, "reasoning", {
          type: "thinking_delta",
          thinking: event.text,
        });
      }
      case "reasoning_signature": {
        const block = event.choice === 0 ? this.open.get(event.index) : undefined;
        if (block?.kind === "reasoning")
          block.reasoning.signature = (block.reasoning.signature ?? "") + event.signature;
        return [];
      }
      case "block_stop":
        return event.choice === 0 ? this.stopBlock(event.index) : [];
      case "finish":
      case "usage":
      case "continued":
        this.ending.note(event);
        return [];
      case "error":
        return [];
    }
  }

  finish(): EncodedFrame[] {
    if (this.ended) return [];
    const frames = [...this.open.keys()].flatMap((index) => this.stopBlock(index));
    this.ended = true;
    // An upstream that reported no usage at the end keeps what it reported at the start.
    const { finishReason, cost, continuation } = this.ending;
    const encoded = encodeMessagesUsage(this.ending.usage ?? this.startUsage ?? createUsage(null, null));
    const usage = cost === undefined ? encoded : { ...encoded, cost: Number(cost) };
    const delta = { stop_reason: encodeStopReason(finishReason), stop_sequence: null };
    const extension = continuation === undefined ? {} : { [CONTINUATION_FIELD]: continuation };
    frames.push(frame("message_delta", { delta, usage, ...extension }), frame("message_stop", {}));
    return frames;
  }

  fail(error: GatewayError): EncodedFrame[] {
    if (this.ended) return [];
    this.ended = true;
    return [{ event: "error", data: JSON.stringify(encodeAnthropicError(error)) }];
  }

  private startBlock(
    canonicalIndex: number,
    block: Extract<StreamEvent, { type: "block_start" }>["block"],
  ): EncodedFrame[] {
    const frames = this.open.has(canonicalIndex) ? this.stopBlock(canonicalIndex) : [];
    const open: OpenBlock = { index: this.nextIndex++, kind: block.kind, reasoning: { text: "" } };
    this.open.set(canonicalIndex, open);
    let contentBlock: JsonRecord;
    if (block.kind === "text") contentBlock = { type: "text", text: "" };
    else if (block.kind === "tool_call")
      contentBlock = { type: "tool_use", id: block.id, name: block.name, input: {} };
    else {
      if (block.origin !== undefined) open.reasoning.origin = block.origin;
      if (block.redacted !== undefined && block.origin === ANTHROPIC_REASONING_ORIGIN) {
        open.reasoning.redacted = block.redacted;
        contentBlock = { type: "redacted_thinking", data: block.redacted };
      } else contentBlock = { type: "thinking", thinking: "", signature: "" };
    }
    frames.push(frame("content_block_start", { index: open.index, content_block: contentBlock }));
    return frames;
  }

  private delta(
    choice: number,
    canonicalIndex: number,
    kind: OpenBlock["kind"],
    delta: JsonRecord,
  ): EncodedFrame[] {
    const block = choice === 0 ? this.open.get(canonicalIndex) : undefined;
    if (block === undefined || block.kind !== kind || block.reasoning.redacted !== undefined) return [];
    return [frame("content_block_delta", { index: block.index, delta })];
  }

  /**
   * A thinking block ends with its signature, which the client passes back: the upstream's own when it is
   * Anthropic's, else the gateway's token naming the provider it came from (see reasoning-token.ts).
   */
  private stopBlock(canonicalIndex: number): EncodedFrame[] {
    const block = this.open.get(canonicalIndex);
    if (block === undefined) return [];
    this.open.delete(canonicalIndex);
    const frames: EncodedFrame[] = [];
    if (block.kind === "reasoning" && block.reasoning.redacted === undefined) {
      const signature = encodeReasoningToken(block.reasoning, ANTHROPIC_REASONING_ORIGIN);
      frames.push(
        frame("content_block_delta", { index: block.index, delta: { type: "signature_delta", signature } }),
      );
    }
    frames.push(frame("content_block_stop", { index: block.index }));
    return frames;
  }
}

/** One Anthropic event: the SSE event name repeats the data's `type`, as Anthropic sends it. */
function frame(type: string, fields: JsonRecord): EncodedFrame {
  return { event: type, data: JSON.stringify({ type, ...fields }) };
}
