import { encodeSseFrame } from "../../framing/sse-encoder.js";
import { isRecord, type JsonRecord, optionalNumber, optionalString } from "../narrow.js";
import type { RelayedAnswerSoFar } from "../relay-codec.js";
import { MessagesStreamEncoder } from "./messages-stream-encoder.js";

/** Content block types that carry no part of the answer when they open (their deltas do). */
const EMPTY_OPENINGS = new Set(["text", "thinking"]);

/**
 * What the side tap of a relayed Messages stream learns of the answer, without changing a byte
 * (https://docs.anthropic.com/en/api/messages-streaming):
 * - whether an event carries a token (the commit point): a delta, a block that is not empty text or thinking
 *   (a tool call), or the final `message_delta`;
 * - whether the message finished (`message_delta` with its stop reason): a body that ends then is complete, and
 *   gets the `message_stop` it left out;
 * - the answer so far, for mid-stream continuation: the message's id and model, the text of its text blocks,
 *   as long as the answer is text only (a tool call, or thinking, cannot be continued from a text prefill).
 */
export class RelayedMessage {
  static carriesToken(payload: JsonRecord): boolean {
    switch (payload.type) {
      case "content_block_delta":
      case "message_delta":
        return true;
      case "content_block_start": {
        const block = isRecord(payload.content_block) ? payload.content_block : {};
        return (
          !EMPTY_OPENINGS.has(String(block.type)) || (typeof block.text === "string" && block.text !== "")
        );
      }
      default:
        return false;
    }
  }

  private id: string | undefined;
  private model: string | undefined;
  private text = "";
  private textOnly = true;
  private stopped = false;
  /** Anthropic's index of the text block being written, while it is open. */
  private openText: number | undefined;
  private nextIndex = 0;

  push(payload: JsonRecord): void {
    switch (payload.type) {
      case "message_start": {
        const message = isRecord(payload.message) ? payload.message : {};
        this.id = optionalString(message.id);
        this.model = optionalString(message.model);
        return;
      }
      case "content_block_start": {
        const index = optionalNumber(payload.index) ?? this.nextIndex;
        this.nextIndex = Math.max(this.nextIndex, index + 1);
        const block = isRecord(payload.content_block) ? payload.content_block : {};
        if (block.type !== "text") this.textOnly = false;
        else {
          this.openText = index;
          if (typeof block.text === "string") this.text += block.text;
        }
        return;
      }
      case "content_block_delta": {
        const delta = isRecord(payload.delta) ? payload.delta : {};
        if (delta.type === "text_delta" && typeof delta.text === "string") this.text += delta.text;
        else if (delta.type !== "citations_delta") this.textOnly = false;
        return;
      }
      case "content_block_stop":
        if (optionalNumber(payload.index) === this.openText) this.openText = undefined;
        return;
      case "message_delta":
        if (isRecord(payload.delta) && typeof payload.delta.stop_reason === "string") this.stopped = true;
        return;
      default:
        return;
    }
  }

  /** The `message_stop` a finished message's body left out; undefined while it has not finished. */
  completion(): string | undefined {
    return this.stopped
      ? encodeSseFrame(JSON.stringify({ type: "message_stop" }), "message_stop")
      : undefined;
  }

  continuable(): RelayedAnswerSoFar | undefined {
    if (!this.textOnly || this.stopped || this.id === undefined) return undefined;
    const resume = { nextIndex: this.nextIndex, openText: this.openText };
    const { id, model } = this;
    return {
      text: this.text,
      blockOpen: this.openText !== undefined,
      encoder: () => new MessagesStreamEncoder(id, model ?? "", resume),
    };
  }
}
