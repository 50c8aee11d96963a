import type {
  FinishReason,
  GatewayError,
  StreamContinuation,
  StreamEvent,
  Usage,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import type { DialectStreamEncoder, EncodedFrame } from "../stream-frame.js";
import { createItemId } from "./item-id.js";
import { messageItem, outputText, statusOf, withContinuation, withUsageCost } from "./response-object.js";
import { encodeResponsesUsage } from "./usage.js";

/** Where a relayed Responses stream stood when it broke. */
export interface RelayedResponseState {
  /** The response as the stream reported it (`response.created` / `response.in_progress`). */
  response: JsonRecord;
  /** The next sequence number. */
  sequence: number;
  /** The output items the stream finished, by output index. */
  output: JsonRecord[];
  /** The message item being written when it broke, if it was still open. */
  open: { id: string; outputIndex: number; text: string } | undefined;
}

/**
 * Writes the rest of a relayed Responses stream from a continuation's canonical events (mid-stream
 * continuation): the text goes on in the open message item (or a new one), numbered after the stream's last
 * event, and the stream ends with `response.completed` (or `response.incomplete`) carrying the whole response:
 * the items the stream had finished, the continued message, and the usage of both attempts. Only text is
 * continued: a broken answer is continued only when it is text.
 */
export class ContinuedResponseEncoder implements DialectStreamEncoder {
  private sequence: number;
  private readonly output: JsonRecord[];
  private open: { id: string; outputIndex: number; text: string } | undefined;
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private cost: string | undefined;
  private continuation: StreamContinuation | undefined;
  private completed: JsonRecord | undefined;

  constructor(private readonly state: RelayedResponseState) {
    this.sequence = state.sequence;
    this.output = [...state.output];
    this.open = state.open === undefined ? undefined : { ...state.open };
  }

  push(event: StreamEvent): EncodedFrame[] {
    if (this.completed !== undefined) return [];
    switch (event.type) {
      case "block_start":
        return event.choice === 0 && event.block.kind === "text" ? this.startMessage() : [];
      case "text_delta": {
        const open = this.open;
        if (event.choice !== 0 || open === undefined || event.text === "") return [];
        open.text += event.text;
        return [
          this.event("response.output_text.delta", {
            item_id: open.id,
            output_index: open.outputIndex,
            content_index: 0,
            delta: event.text,
            logprobs: [],
          }),
        ];
      }
      case "block_stop":
        return event.choice === 0 ? this.stopMessage() : [];
      case "finish":
        if (event.choice === 0) this.finishReason = event.reason;
        return [];
      case "usage":
        this.usage = event.usage;
        this.cost = event.cost;
        return [];
      case "continued":
        this.continuation = event.continuation;
        return [];
      default:
        return [];
    }
  }

  finish(): EncodedFrame[] {
    if (this.completed !== undefined) return [];
    const frames = this.stopMessage();
    const status = statusOf(this.finishReason);
    const { usage: _partial, ...response } = this.state.response;
    this.completed = {
      ...response,
      status,
      completed_at: status === "completed" ? Math.floor(Date.now() / 1000) : null,
      incomplete_details:
        status === "incomplete"
          ? { reason: this.finishReason === "length" ? "max_output_tokens" : "content_filter" }
          : null,
      output: this.output.filter((item) => item !== undefined),
      ...(this.usage === undefined ? {} : { usage: encodeResponsesUsage(this.usage) }),
    };
    const type = status === "completed" ? "response.completed" : "response.incomplete";
    const costed = withUsageCost(this.completed, this.cost);
    frames.push(this.event(type, { response: withContinuation(costed, this.continuation) }));
    return frames;
  }

  /** The continuation broke too: an `error` event and `response.failed`, the items as far as they got. */
  fail(error: GatewayError): EncodedFrame[] {
    if (this.completed !== undefined) return [];
    const code = error.status === 429 ? "rate_limit_exceeded" : "server_error";
    const open = this.open;
    if (open !== undefined)
      this.output[open.outputIndex] = {
        ...messageItem(open.id, open.text, "completed"),
        status: "incomplete",
      };
    const { usage: _partial, ...response } = this.state.response;
    const failed = {
      ...response,
      status: "failed",
      error: { code, message: error.message },
      output: this.output.filter((item) => item !== undefined),
    };
    this.completed = failed;
    return [
      this.event("error", { code, message: error.message, param: null }),
      this.event("response.failed", { response: failed }),
    ];
  }

  final(): JsonRecord | undefined {
    return this.completed?.status === "failed" ? undefined : this.completed;
  }

  private startMessage(): EncodedFrame[] {
    if (this.open !== undefined) return [];
    const open = { id: createItemId("msg"), outputIndex: this.output.length, text: "" };
    this.open = open;
    const where = { output_index: open.outputIndex };
    return [
      this.event("response.output_item.added", { ...where, item: messageItem(open.id, "", "in_progress") }),
      this.event("response.content_part.added", {
        item_id: open.id,
        ...where,
        content_index: 0,
        part: outputText(""),
      }),
    ];
  }

  private stopMessage(): EncodedFrame[] {
    const open = this.open;
    if (open === undefined) return [];
    this.open = undefined;
    const where = { item_id: open.id, output_index: open.outputIndex };
    const item = messageItem(open.id, open.text, "completed");
    this.output[open.outputIndex] = item;
    return [
      this.event("response.output_text.done", { ...where, content_index: 0, text: open.text, logprobs: [] }),
      this.event("response.content_part.done", { ...where, content_index: 0, part: outputText(open.text) }),
      this.event("response.output_item.done", { output_index: open.outputIndex, item }),
    ];
  }

  private event(type: string, fields: JsonRecord): EncodedFrame {
    const data = JSON.stringify({ type, ...fields, sequence_number: this.sequence++ });
    return { event: type, data };
  }
}
