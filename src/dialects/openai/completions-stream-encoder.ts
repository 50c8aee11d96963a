import { type StreamEvent, UNKNOWN_USAGE } from "../../canonical/index.js";
import type { ChunkStreamEncoder, ChunkStreamOptions } from "./chunk-stream-encoder.js";
import { encodeCompletionFinishReason } from "./finish-reason-encoder.js";
import { reportedModel } from "./reported-model.js";
import { encodeOpenAIUsage } from "./usage-encoder.js";

/**
 * Encodes a canonical stream as legacy `text_completion` chunks, the shape OpenAI streams `POST /v1/completions`
 * in (the same object as the whole response: `choices[{index, text, logprobs, finish_reason}]`): one chunk per
 * text delta with `finish_reason: null`, one chunk with empty text and the finish_reason per choice. Tool-call
 * blocks have no place in a completion and are skipped. See ChunkStreamEncoder for errors. With include_usage
 * the usage chunk (`choices: []`) comes last, but other chunks carry no `usage: null`: CreateCompletionResponse
 * types `usage` as an object, and chat is the only stream OpenAI documents the nulls for.
 */
export function createOpenAICompletionsStreamEncoder(options: ChunkStreamOptions): ChunkStreamEncoder {
  return new CompletionsStreamEncoder(options);
}

class CompletionsStreamEncoder implements ChunkStreamEncoder {
  private model: string;
  private ended = false;
  private usageSent = false;

  constructor(private readonly options: ChunkStreamOptions) {
    this.model = options.model;
  }

  push(event: StreamEvent): string[] {
    if (this.ended) return [];
    switch (event.type) {
      case "message_start":
        this.model = reportedModel(event.model, this.options.model);
        return [];
      case "text_delta":
        return event.text === "" ? [] : [this.choiceChunk(event.choice, event.text, null)];
      case "finish":
        return [this.choiceChunk(event.choice, "", encodeCompletionFinishReason(event.reason))];
      case "usage":
        if (!this.options.includeUsage || this.usageSent) return [];
        this.usageSent = true;
        return [this.chunk([], encodeOpenAIUsage(event.usage, event.cost))];
      case "error":
        this.ended = true;
        return [];
      default:
        return [];
    }
  }

  finish(): string[] {
    if (this.ended) return [];
    this.ended = true;
    // As for chat: the usage chunk the client asked for comes even when the upstream reported no counts.
    return this.options.includeUsage && !this.usageSent
      ? [this.chunk([], encodeOpenAIUsage(UNKNOWN_USAGE))]
      : [];
  }

  private choiceChunk(index: number, text: string, finishReason: string | null): string {
    return this.chunk([{ index, text, logprobs: null, finish_reason: finishReason }], null);
  }

  private chunk(choices: unknown[], usage: unknown): string {
    const { id, created } = this.options;
    const body: Record<string, unknown> = {
      id,
      object: "text_completion",
      created,
      model: this.model,
      choices,
    };
    if (usage !== null) body.usage = usage;
    return JSON.stringify(body);
  }
}
