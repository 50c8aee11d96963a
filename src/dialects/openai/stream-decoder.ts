import {
  GatewayError,
  type StreamBlock,
  type StreamDecoder,
  type StreamEvent,
  type Usage,
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
import { decodeFinishReason, type FinishReasonMap } from "./finish-reason.js";
import { readMessageText } from "./message-content.js";
import { upstreamStreamError } from "./stream-error.js";
import { decodeUsage, usageOfChunk } from "./usage.js";

/** What a compatible server's stream may differ in (see providers/openai-compatible.ts). */
export interface CompatibleStreamOptions {
  /** The provider's display name, for in-stream errors. */
  provider?: string;
  /** Finish reasons beyond OpenAI's, mapped onto the canonical ones. */
  finishReasons?: FinishReasonMap;
}

/**
 * Decodes an OpenAI chat completions stream (https://platform.openai.com/docs/api-reference/chat-streaming):
 * `data: {chunk}` frames, then `data: [DONE]`. message_start comes from the first chunk's id, model and created;
 * per choice, content opens a text block, `delta.tool_calls` entries open one tool-call block per call `index`
 * (id and name come first, the arguments in pieces); a finish_reason closes the open block and finishes the
 * choice. Blocks of a choice are sequential: a new block closes the open one. Reasoning text
 * (`delta.reasoning_content` or `delta.reasoning`, or Mistral's thinking chunks) opens a reasoning block. Usage
 * (the include_usage chunk, the latest of servers that send it on every chunk, or Groq's `x_groq.usage`) is
 * emitted at [DONE], after every finish.
 */
export function createOpenAIChatStreamDecoder(
  options: CompatibleStreamOptions = {},
): StreamDecoder<SseFrame> {
  return new ChunkStreamDecoder("chat", options);
}

/**
 * Decodes a legacy completions stream (`text_completion` chunks, text in `choices[].text`) into the same
 * events. Providers that serve completions through `/chat/completions` use the chat decoder instead.
 */
export function createOpenAICompletionsStreamDecoder(
  options: CompatibleStreamOptions = {},
): StreamDecoder<SseFrame> {
  return new ChunkStreamDecoder("completions", options);
}

type OpenBlock = { kind: "text" | "reasoning" | "tool_call"; index: number };

interface ChoiceState {
  nextBlock: number;
  open: OpenBlock | undefined;
  /** Block index and call id by the call's OpenAI `index`. */
  tools: Map<number, { block: number; id: string }>;
  finished: boolean;
}

/** The legacy `delta.function_call` (one call, no index) is decoded as a tool call under this index. */
const LEGACY_FUNCTION_CALL = -1;

class ChunkStreamDecoder implements StreamDecoder<SseFrame> {
  private state: "before_start" | "streaming" | "done" = "before_start";
  private readonly choices = new Map<number, ChoiceState>();
  private usage: Usage | undefined;
  skippedFrames = 0;

  constructor(
    private readonly mode: "chat" | "completions",
    private readonly options: CompatibleStreamOptions,
  ) {}

  push(frame: SseFrame): StreamEvent[] {
    if (this.state === "done") return [];
    if (frame.data.trim() === "[DONE]") return this.end();
    let payload: unknown;
    try {
      payload = JSON.parse(frame.data);
    } catch {
      if (frame.event === "error") {
        return this.fail(upstreamStreamError({ message: frame.data }, this.options.provider));
      }
      // A garbled chunk: skipped (lenient parsing, as every peer does); the caller logs and counts it.
      this.skippedFrames++;
      return [];
    }
    if (!isRecord(payload)) {
      this.skippedFrames++;
      return [];
    }
    if ((payload.error !== undefined && payload.error !== null) || frame.event === "error") {
      return this.fail(upstreamStreamError(payload, this.options.provider));
    }
    const events: StreamEvent[] = [];
    if (this.state === "before_start") {
      this.state = "streaming";
      events.push({
        type: "message_start",
        id: optionalString(payload.id) ?? null,
        model: optionalString(payload.model) ?? "",
        created: optionalNumber(payload.created) ?? unixSecondsNow(),
      });
    }
    if (Array.isArray(payload.choices)) {
      payload.choices.forEach((choice, position) => {
        if (isRecord(choice)) this.decodeChoice(choice, position, events);
      });
    }
    const usage = usageOfChunk(payload);
    if (usage !== undefined) this.usage = decodeUsage(usage, null, payload.service_tier);
    return events;
  }

  finish(): StreamEvent[] {
    if (this.state === "done") return [];
    // Every choice finished (and usage, if asked for, came with or after the finish): only [DONE] is missing,
    // which some servers leave out. The answer is complete.
    if (this.choices.size > 0 && [...this.choices.values()].every((choice) => choice.finished))
      return this.end();
    return this.fail(
      new GatewayError(
        "upstream_invalid_response",
        "The upstream stream ended before [DONE]: the response is incomplete.",
      ),
    );
  }

  private decodeChoice(choice: JsonRecord, position: number, events: StreamEvent[]): void {
    const index = optionalNumber(choice.index) ?? position;
    const state = this.choiceState(index);
    if (state.finished) return;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const read = this.mode === "chat" ? readMessageText(delta) : undefined;
    const reasoning = read?.reasoning;
    if (reasoning !== undefined && reasoning !== "") {
      if (state.open?.kind !== "reasoning") this.openBlock(index, state, { kind: "reasoning" }, events);
      events.push({ type: "reasoning_delta", choice: index, index: state.open?.index ?? 0, text: reasoning });
    }
    const text = read === undefined ? optionalString(choice.text) : read.content;
    if (text !== undefined && text !== "") {
      if (state.open?.kind !== "text") this.openBlock(index, state, { kind: "text" }, events);
      events.push({ type: "text_delta", choice: index, index: state.open?.index ?? 0, text });
    }
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((call, callPosition) => {
        if (!isRecord(call)) return;
        this.decodeToolCall(index, state, optionalNumber(call.index) ?? callPosition, call, events);
      });
    }
    if (isRecord(delta.function_call)) {
      this.decodeToolCall(index, state, LEGACY_FUNCTION_CALL, { function: delta.function_call }, events);
    }
    // Old Ollama versions sent `finish_reason: ""` on every chunk (ollama/ollama#4357): no reason, not a finish.
    if (typeof choice.finish_reason === "string" && choice.finish_reason !== "") {
      this.closeBlock(index, state, events);
      state.finished = true;
      const reason = decodeFinishReason(choice.finish_reason, this.options.finishReasons);
      events.push({ type: "finish", choice: index, reason });
    }
  }

  private decodeToolCall(
    choice: number,
    state: ChoiceState,
    callIndex: number,
    call: JsonRecord,
    events: StreamEvent[],
  ): void {
    const fn = isRecord(call.function) ? call.function : {};
    const id = optionalString(call.id) ?? "";
    let known = state.tools.get(callIndex);
    // Some OpenAI-compatible servers send every call under index 0; a new id there is a new call.
    if (known === undefined || (id !== "" && known.id !== "" && id !== known.id)) {
      const name = optionalString(fn.name) ?? "";
      const block = this.openBlock(choice, state, { kind: "tool_call", id, name }, events);
      known = { block, id };
      state.tools.set(callIndex, known);
    }
    const json = optionalString(fn.arguments) ?? "";
    // Pieces of an earlier call after a later one started are still emitted on that call's block: OpenAI does
    // not interleave calls, and dropping arguments would be worse than an out-of-order delta.
    if (json !== "") events.push({ type: "tool_arguments_delta", choice, index: known.block, json });
  }

  private openBlock(choice: number, state: ChoiceState, block: StreamBlock, events: StreamEvent[]): number {
    this.closeBlock(choice, state, events);
    const index = state.nextBlock++;
    state.open = { kind: block.kind, index };
    events.push({ type: "block_start", choice, index, block });
    return index;
  }

  private closeBlock(choice: number, state: ChoiceState, events: StreamEvent[]): void {
    if (state.open === undefined) return;
    events.push({ type: "block_stop", choice, index: state.open.index });
    state.open = undefined;
  }

  private choiceState(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      state = { nextBlock: 0, open: undefined, tools: new Map(), finished: false };
      this.choices.set(index, state);
    }
    return state;
  }

  /** `[DONE]`: choices the upstream left unfinished are closed with an unknown finish reason, then usage. */
  private end(): StreamEvent[] {
    if (this.state === "before_start") {
      return this.fail(invalidUpstreamResponse("the stream sent [DONE] before any chunk"));
    }
    this.state = "done";
    const events: StreamEvent[] = [];
    for (const [index, state] of this.choices) {
      if (state.finished) continue;
      this.closeBlock(index, state, events);
      events.push({ type: "finish", choice: index, reason: null });
    }
    if (this.usage !== undefined) events.push({ type: "usage", usage: this.usage });
    return events;
  }

  private fail(error: GatewayError): StreamEvent[] {
    this.state = "done";
    return [{ type: "error", error }];
  }
}
