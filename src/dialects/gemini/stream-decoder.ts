import { GatewayError, type StreamDecoder, type StreamEvent, type Usage } from "../../canonical/index.js";
import type { SseFrame } from "../../framing/sse-decoder.js";
import { isRecord, type JsonRecord, optionalNumber, optionalString, unixSecondsNow } from "../narrow.js";
import { decodeParts } from "./candidate-parts.js";
import { decodeFinishReason } from "./finish-reason.js";
import { decodeStreamError } from "./stream-error.js";
import { GEMINI_API_TARGET } from "./thinking.js";
import { decodeUsage } from "./usage.js";

/**
 * Decodes a `streamGenerateContent?alt=sse` stream (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent):
 * each event's data is a whole GenerateContentResponse holding the next piece of each candidate. There is no
 * end marker: the stream ends when the body does, so a stream is complete only if every candidate it started
 * said why it finished; one cut before that ends with an error event. `usageMetadata` repeats the running
 * totals in every event, so the last one is the answer's usage. Thought parts are a reasoning block (from
 * `origin`) with their signature; a signature on a text part (Gemini puts it on an answer's last part, often an
 * empty one) comes out as a reasoning block of its own with no text, just before the choice finishes.
 */
export function createStreamDecoder(
  model: string,
  origin = GEMINI_API_TARGET.origin,
): StreamDecoder<SseFrame> {
  return new GeminiStreamDecoder(model, origin);
}

interface ChoiceState {
  /** The open canonical block, if any: text and thought parts keep adding to an open block of their kind. */
  open: { index: number; kind: "text" | "reasoning" } | undefined;
  nextIndex: number;
  calls: number;
  finished: boolean;
  /** The signature a text part carried, sent when the choice finishes. */
  textSignature?: string;
}

class GeminiStreamDecoder implements StreamDecoder<SseFrame> {
  private state: "before_start" | "streaming" | "done" = "before_start";
  private readonly choices = new Map<number, ChoiceState>();
  private usage: Usage | undefined;
  private responseId: string | undefined;
  /** Events whose data is not a JSON object, skipped (lenient parsing; the caller logs and counts them). */
  skippedFrames = 0;

  constructor(
    private readonly model: string,
    private readonly origin: string,
  ) {}

  push(frame: SseFrame): StreamEvent[] {
    if (this.state === "done") return [];
    let payload: unknown;
    try {
      payload = JSON.parse(frame.data);
    } catch {
      payload = undefined;
    }
    if (!isRecord(payload)) {
      // A garbled event: skipped, and the stream goes on (one bad frame does not sink an answer).
      this.skippedFrames++;
      return [];
    }
    if (isRecord(payload.error)) return this.fail(decodeStreamError(payload.error));
    const events: StreamEvent[] = [];
    if (this.state === "before_start") events.push(this.start(payload));
    if (isRecord(payload.usageMetadata)) this.usage = decodeUsage(payload.usageMetadata);
    const candidates = Array.isArray(payload.candidates) ? payload.candidates : [];
    candidates.forEach((candidate, position) => {
      if (isRecord(candidate)) this.candidate(candidate, optionalNumber(candidate.index) ?? position, events);
    });
    if (candidates.length === 0 && isRecord(payload.promptFeedback) && payload.promptFeedback.blockReason) {
      const choice = this.choice(0);
      choice.finished = true;
      events.push({ type: "finish", choice: 0, reason: "content_filter" });
    }
    return events;
  }

  finish(): StreamEvent[] {
    if (this.state === "done") return [];
    const unfinished = [...this.choices.values()].some((choice) => !choice.finished);
    if (this.state === "before_start" || this.choices.size === 0 || unfinished) {
      return this.fail(
        new GatewayError(
          "upstream_invalid_response",
          "The upstream stream ended before saying why the answer finished: the response is incomplete.",
        ),
      );
    }
    this.state = "done";
    return this.usage === undefined ? [] : [{ type: "usage", usage: this.usage }];
  }

  private start(payload: JsonRecord): StreamEvent {
    this.state = "streaming";
    this.responseId = optionalString(payload.responseId);
    return {
      type: "message_start",
      id: this.responseId ?? null,
      model: optionalString(payload.modelVersion) ?? this.model,
      created: unixSecondsNow(),
    };
  }

  private choice(index: number): ChoiceState {
    let choice = this.choices.get(index);
    if (choice === undefined) {
      choice = { open: undefined, nextIndex: 0, calls: 0, finished: false };
      this.choices.set(index, choice);
    }
    return choice;
  }

  private candidate(candidate: JsonRecord, choiceIndex: number, events: StreamEvent[]): void {
    const choice = this.choice(choiceIndex);
    if (choice.finished) return;
    for (const part of decodeParts(candidate.content, this.responseId, choice.calls, this.origin)) {
      if (part.kind === "thought") {
        this.thought(choice, choiceIndex, part.text, part.signature, events);
      } else if (part.kind === "tool_call") {
        this.close(choice, choiceIndex, events);
        choice.calls++;
        const index = choice.nextIndex++;
        const { id, name, arguments: json } = part.toolCall;
        events.push(
          { type: "block_start", choice: choiceIndex, index, block: { kind: "tool_call", id, name } },
          { type: "tool_arguments_delta", choice: choiceIndex, index, json },
          { type: "block_stop", choice: choiceIndex, index },
        );
      } else {
        if (part.signature !== undefined) choice.textSignature = part.signature;
        if (part.text === "") continue;
        if (choice.open?.kind !== "text") {
          this.close(choice, choiceIndex, events);
          choice.open = { index: choice.nextIndex++, kind: "text" };
          events.push({
            type: "block_start",
            choice: choiceIndex,
            index: choice.open.index,
            block: { kind: "text" },
          });
        }
        events.push({ type: "text_delta", choice: choiceIndex, index: choice.open.index, text: part.text });
      }
    }
    if (candidate.finishReason === undefined) return;
    this.close(choice, choiceIndex, events);
    if (choice.textSignature !== undefined)
      this.thought(choice, choiceIndex, "", choice.textSignature, events);
    choice.finished = true;
    events.push({
      type: "finish",
      choice: choiceIndex,
      reason: decodeFinishReason(candidate.finishReason, choice.calls > 0),
    });
  }

  /** A piece of thought (and its signature) in the open reasoning block, opening one when needed. */
  private thought(
    choice: ChoiceState,
    choiceIndex: number,
    text: string,
    signature: string | undefined,
    events: StreamEvent[],
  ): void {
    if (choice.open?.kind !== "reasoning") {
      this.close(choice, choiceIndex, events);
      choice.open = { index: choice.nextIndex++, kind: "reasoning" };
      events.push({
        type: "block_start",
        choice: choiceIndex,
        index: choice.open.index,
        block: { kind: "reasoning", origin: this.origin },
      });
    }
    const index = choice.open.index;
    if (text !== "") events.push({ type: "reasoning_delta", choice: choiceIndex, index, text });
    if (signature === undefined) return;
    // A signature ends its thought: another signed thought is a block of its own, not a longer signature.
    events.push({ type: "reasoning_signature", choice: choiceIndex, index, signature });
    this.close(choice, choiceIndex, events);
  }

  private close(choice: ChoiceState, choiceIndex: number, events: StreamEvent[]): void {
    if (choice.open === undefined) return;
    events.push({ type: "block_stop", choice: choiceIndex, index: choice.open.index });
    choice.open = undefined;
  }

  private fail(error: GatewayError): StreamEvent[] {
    this.state = "done";
    return [{ type: "error", error }];
  }
}
