import type { GatewayError, Reasoning, StreamEvent } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { reportedModel } from "../openai/reported-model.js";
import { StreamEnding } from "../stream-ending.js";
import type { DialectStreamEncoder, EncodedFrame } from "../stream-frame.js";
import { createItemId } from "./item-id.js";
import { forClient, withoutToken } from "./response-encoder.js";
import {
  functionCallItem,
  messageItem,
  outputText,
  type ResponseFrame,
  reasoningItem,
  responseObject,
  statusOf,
  withContinuation,
  withUsageCost,
} from "./response-object.js";

interface OpenItem {
  outputIndex: number;
  id: string;
  kind: "text" | "tool_call" | "reasoning";
  text: string;
  callId: string;
  name: string;
  reasoning: Reasoning;
}

/**
 * Encodes a canonical stream as Responses API events (https://platform.openai.com/docs/api-reference/responses-streaming):
 * `response.created` and `response.in_progress`; per text block a message item (`output_item.added`,
 * `content_part.added`, `output_text.delta`..., `output_text.done`, `content_part.done`, `output_item.done`); per
 * tool call a function_call item with `function_call_arguments.delta`/`.done`; per reasoning block a reasoning
 * item whose text streams as its summary (`reasoning_summary_part.added`, `reasoning_summary_text.delta`...); then
 * `response.completed` (or `response.incomplete` at the token limit) with the whole response and its usage (and,
 * for a continued stream, `switchyard_continuation` on that response, not on the stored one). A
 * stream that breaks ends with an `error` event and `response.failed`, never with a clean end. Every event
 * carries the next `sequence_number`. Responses have one candidate: events of other choices are ignored.
 */
export class ResponsesStreamEncoder implements DialectStreamEncoder {
  private sequence = 0;
  private readonly output: JsonRecord[] = [];
  private readonly open = new Map<number, OpenItem>();
  private readonly ending = new StreamEnding();
  private completed: JsonRecord | undefined;
  private ended = false;

  constructor(
    private readonly frame: ResponseFrame,
    private readonly routeName: string,
  ) {}

  push(event: StreamEvent): EncodedFrame[] {
    if (this.ended) return [];
    switch (event.type) {
      case "message_start": {
        this.frame.model = reportedModel(event.model, this.routeName);
        const response = responseObject(this.frame, "in_progress", [], null);
        return [
          this.event("response.created", { response }),
          this.event("response.in_progress", { response }),
        ];
      }
      case "block_start":
        return event.choice === 0 ? this.startItem(event.index, event.block) : [];
      case "text_delta":
        return this.delta(event.choice, event.index, event.text, "text");
      case "tool_arguments_delta":
        return this.delta(event.choice, event.index, event.json, "tool_call");
      case "reasoning_delta":
        return this.delta(event.choice, event.index, event.text, "reasoning");
      case "reasoning_signature": {
        const item = event.choice === 0 ? this.open.get(event.index) : undefined;
        if (item?.kind === "reasoning")
          item.reasoning.signature = (item.reasoning.signature ?? "") + event.signature;
        return [];
      }
      case "block_stop":
        return event.choice === 0 ? this.stopItem(event.index) : [];
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
    const frames = [...this.open.keys()].flatMap((index) => this.stopItem(index));
    this.ended = true;
    const { finishReason, usage, cost, continuation } = this.ending;
    const status = statusOf(finishReason);
    this.completed = responseObject(this.frame, status, this.output, usage ?? null, {
      finishReason,
    });
    const type = status === "completed" ? "response.completed" : "response.incomplete";
    const response = withUsageCost(forClient(this.completed, this.frame), cost);
    frames.push(this.event(type, { response: withContinuation(response, continuation) }));
    return frames;
  }

  fail(error: GatewayError): EncodedFrame[] {
    if (this.ended) return [];
    this.ended = true;
    const code = error.status === 429 ? "rate_limit_exceeded" : "server_error";
    // Items cut short are reported as far as they got, as incomplete.
    for (const item of this.open.values())
      this.output[item.outputIndex] = { ...this.doneItem(item), status: "incomplete" };
    const output = this.output.map(withoutToken) as JsonRecord[];
    const failure = { code, message: error.message };
    const response = responseObject(this.frame, "failed", output, null, { error: failure });
    return [
      this.event("error", { code, message: error.message, param: null }),
      this.event("response.failed", { response }),
    ];
  }

  /** The finished response with its reasoning tokens, for the store; undefined until the stream ended cleanly. */
  final(): JsonRecord | undefined {
    return this.completed;
  }

  private startItem(
    index: number,
    block: Extract<StreamEvent, { type: "block_start" }>["block"],
  ): EncodedFrame[] {
    const frames = this.open.has(index) ? this.stopItem(index) : [];
    const kind = block.kind;
    const item: OpenItem = {
      outputIndex: this.output.length,
      id: createItemId(kind === "text" ? "msg" : kind === "tool_call" ? "fc" : "rs"),
      kind,
      text: "",
      callId: block.kind === "tool_call" ? block.id : "",
      name: block.kind === "tool_call" ? block.name : "",
      reasoning: { text: "" },
    };
    if (block.kind === "reasoning") {
      if (block.origin !== undefined) item.reasoning.origin = block.origin;
      if (block.redacted !== undefined) item.reasoning.redacted = block.redacted;
    }
    this.open.set(index, item);
    // A placeholder keeps the output index; the finished item replaces it.
    this.output.push({});
    const where = { output_index: item.outputIndex };
    if (kind === "text") {
      frames.push(
        this.event("response.output_item.added", { ...where, item: messageItem(item.id, "", "in_progress") }),
        this.event("response.content_part.added", {
          item_id: item.id,
          ...where,
          content_index: 0,
          part: outputText(""),
        }),
      );
    } else if (kind === "tool_call") {
      const call = { id: item.callId, name: item.name, arguments: "" };
      frames.push(
        this.event("response.output_item.added", {
          ...where,
          item: functionCallItem(item.id, call, "in_progress"),
        }),
      );
    } else {
      frames.push(
        this.event("response.output_item.added", {
          ...where,
          item: reasoningItem(item.id, undefined, false),
        }),
      );
    }
    return frames;
  }

  private delta(choice: number, index: number, text: string, kind: OpenItem["kind"]): EncodedFrame[] {
    const item = choice === 0 ? this.open.get(index) : undefined;
    if (item === undefined || item.kind !== kind || text === "") return [];
    const where = { item_id: item.id, output_index: item.outputIndex };
    if (kind === "text") {
      item.text += text;
      return [
        this.event("response.output_text.delta", { ...where, content_index: 0, delta: text, logprobs: [] }),
      ];
    }
    if (kind === "tool_call") {
      item.text += text;
      return [this.event("response.function_call_arguments.delta", { ...where, delta: text })];
    }
    const frames: EncodedFrame[] = [];
    if (item.reasoning.text === "") {
      frames.push(
        this.event("response.reasoning_summary_part.added", {
          ...where,
          summary_index: 0,
          part: { type: "summary_text", text: "" },
        }),
      );
    }
    item.reasoning.text += text;
    frames.push(
      this.event("response.reasoning_summary_text.delta", { ...where, summary_index: 0, delta: text }),
    );
    return frames;
  }

  private stopItem(index: number): EncodedFrame[] {
    const item = this.open.get(index);
    if (item === undefined) return [];
    this.open.delete(index);
    const where = { item_id: item.id, output_index: item.outputIndex };
    const frames: EncodedFrame[] = [];
    if (item.kind === "text") {
      frames.push(
        this.event("response.output_text.done", {
          ...where,
          content_index: 0,
          text: item.text,
          logprobs: [],
        }),
        this.event("response.content_part.done", { ...where, content_index: 0, part: outputText(item.text) }),
      );
    } else if (item.kind === "tool_call") {
      const done = { ...where, name: item.name, arguments: item.text };
      frames.push(this.event("response.function_call_arguments.done", done));
    } else if (item.reasoning.text !== "") {
      const text = item.reasoning.text;
      frames.push(
        this.event("response.reasoning_summary_text.done", { ...where, summary_index: 0, text }),
        this.event("response.reasoning_summary_part.done", {
          ...where,
          summary_index: 0,
          part: { type: "summary_text", text },
        }),
      );
    }
    const done = this.doneItem(item);
    this.output[item.outputIndex] = done;
    const shown = this.frame.includeEncryptedReasoning ? done : (withoutToken(done) as JsonRecord);
    frames.push(this.event("response.output_item.done", { output_index: item.outputIndex, item: shown }));
    return frames;
  }

  /** An item as it stands, with its reasoning token. */
  private doneItem(item: OpenItem): JsonRecord {
    if (item.kind === "text") return messageItem(item.id, item.text, "completed");
    if (item.kind === "tool_call")
      return functionCallItem(
        item.id,
        { id: item.callId, name: item.name, arguments: item.text },
        "completed",
      );
    return reasoningItem(item.id, item.reasoning, true);
  }

  private event(type: string, fields: JsonRecord): EncodedFrame {
    const data = JSON.stringify({ type, ...fields, sequence_number: this.sequence++ });
    return { event: type, data };
  }
}
