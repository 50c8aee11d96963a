import {
  CONTINUATION_FIELD,
  type FinishReason,
  type StreamContinuation,
  type StreamEvent,
  UNKNOWN_USAGE,
  type Usage,
} from "../../canonical/index.js";
import type { ChunkStreamEncoder, ChunkStreamOptions } from "./chunk-stream-encoder.js";
import { encodeChatFinishReason } from "./finish-reason-encoder.js";
import { reportedModel } from "./reported-model.js";
import { encodeOpenAIUsage } from "./usage-encoder.js";

/**
 * Encodes a canonical stream as `chat.completion.chunk` objects, the way OpenAI streams them
 * (https://platform.openai.com/docs/api-reference/chat-streaming): per choice a first chunk with
 * `delta: {role: "assistant", content: ""}`, then content deltas, tool-call headers (`index` counting the
 * choice's tool calls from 0, `id`, `type`, `function.name`, `arguments: ""`) and argument pieces, and a chunk
 * with an empty delta and the finish_reason. The role chunk of choice 0 goes out on message_start, so the client
 * gets its first byte as soon as the upstream answers. See ChunkStreamEncoder for errors and usage.
 */
export function createOpenAIChatStreamEncoder(options: ChunkStreamOptions): ChunkStreamEncoder {
  return new ChatStreamEncoder(options);
}

type Delta = Record<string, unknown>;

class ChatStreamEncoder implements ChunkStreamEncoder {
  private model: string;
  private ended = false;
  private usageSent = false;
  /** Choices whose role chunk was sent. */
  private readonly startedChoices = new Set<number>();
  /** OpenAI tool-call index by canonical `choice:block`, counted per choice. */
  private readonly toolIndexes = new Map<string, number>();
  private readonly toolCounts = new Map<number, number>();
  private continuation: StreamContinuation | undefined;

  constructor(private readonly options: ChunkStreamOptions) {
    this.model = options.model;
    if (options.continuing === true) this.startedChoices.add(0);
  }

  push(event: StreamEvent): string[] {
    if (this.ended) return [];
    switch (event.type) {
      case "message_start":
        this.model = reportedModel(event.model, this.options.model);
        return this.start(0);
      case "block_start": {
        const chunks = this.start(event.choice);
        if (event.block.kind !== "tool_call") return chunks;
        const index = this.toolCounts.get(event.choice) ?? 0;
        this.toolCounts.set(event.choice, index + 1);
        this.toolIndexes.set(`${event.choice}:${event.index}`, index);
        const header = {
          index,
          id: event.block.id,
          type: "function",
          function: { name: event.block.name, arguments: "" },
        };
        return [...chunks, this.choiceChunk(event.choice, { tool_calls: [header] })];
      }
      case "text_delta":
        if (event.text === "") return [];
        return [...this.start(event.choice), this.choiceChunk(event.choice, { content: event.text })];
      case "reasoning_delta":
        // DeepSeek's field (https://api-docs.deepseek.com/guides/reasoning_model), which OpenAI SDKs pass on.
        if (event.text === "") return [];
        return [
          ...this.start(event.choice),
          this.choiceChunk(event.choice, { reasoning_content: event.text }),
        ];
      case "tool_arguments_delta": {
        const index = this.toolIndexes.get(`${event.choice}:${event.index}`);
        // A delta for a block that never started has no call to belong to; the decoders never emit one.
        if (index === undefined || event.json === "") return [];
        return [
          this.choiceChunk(event.choice, { tool_calls: [{ index, function: { arguments: event.json } }] }),
        ];
      }
      case "block_stop":
      // The reasoning's signature has no place in OpenAI's chat API (reasoning_content is text only).
      case "reasoning_signature":
        return [];
      case "finish":
        return [...this.start(event.choice), this.choiceChunk(event.choice, {}, event.reason)];
      case "usage":
        return this.usage(event.usage, event.cost);
      case "error":
        this.ended = true;
        return [];
      case "continued":
        this.continuation = event.continuation;
        return [];
    }
  }

  finish(): string[] {
    if (this.ended) return [];
    this.ended = true;
    // The client asked for a usage chunk; an upstream that reported none still ends with one (counts 0).
    return this.options.includeUsage && !this.usageSent
      ? [this.chunk([], encodeOpenAIUsage(UNKNOWN_USAGE))]
      : [];
  }

  private start(choice: number): string[] {
    if (this.startedChoices.has(choice)) return [];
    this.startedChoices.add(choice);
    return [this.choiceChunk(choice, { role: "assistant", content: "" })];
  }

  private usage(usage: Usage, cost: string | undefined): string[] {
    if (!this.options.includeUsage || this.usageSent) return [];
    this.usageSent = true;
    return [this.chunk([], encodeOpenAIUsage(usage, cost))];
  }

  private choiceChunk(index: number, delta: Delta, reason?: FinishReason): string {
    const finishReason = reason === undefined ? null : encodeChatFinishReason(reason);
    const extension = reason !== undefined && this.continuation !== undefined ? this.continuation : undefined;
    return this.chunk([{ index, delta, logprobs: null, finish_reason: finishReason }], null, extension);
  }

  private chunk(choices: unknown[], usage: unknown, continuation?: StreamContinuation): string {
    const { id, created, includeUsage } = this.options;
    const body: Record<string, unknown> = {
      id,
      object: "chat.completion.chunk",
      created,
      model: this.model,
      choices,
    };
    if (includeUsage) body.usage = usage;
    if (continuation !== undefined) body[CONTINUATION_FIELD] = continuation;
    return JSON.stringify(body);
  }
}
