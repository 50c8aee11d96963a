import type { ChatCompletionChunk, ChatCompletionTool } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";

/** A function tool the upstream mocks call when the last user message contains "call a tool". */
export const WEATHER_TOOL: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The current weather in a city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

export const TOOL_PROMPT = "Please call a tool to get the weather in Paris";

export interface AccumulatedToolCall {
  id: string;
  type: string;
  name: string;
  arguments: string;
  /** How many chunks carried a piece of the arguments. */
  argumentChunks: number;
}

export interface AccumulatedChoice {
  role: string | undefined;
  content: string;
  toolCalls: AccumulatedToolCall[];
  finishReason: string | null;
}

export interface AccumulatedStream {
  /** By choice index. */
  choices: AccumulatedChoice[];
  /** The usage of the chunk that carried one (the include_usage chunk). */
  usage: CompletionUsage | undefined;
  /** Every chunk as the SDK yielded it. */
  chunks: ChatCompletionChunk[];
}

/**
 * Accumulates a chat completion stream the way SDK users do: content deltas appended per choice, tool calls
 * keyed by their `index`, taking `id`, `type` and `name` from the first delta that has them and appending every
 * `arguments` piece. Throws when a chunk's id or creation time differs from the first chunk's.
 */
export async function accumulateChatStream(
  stream: AsyncIterable<ChatCompletionChunk>,
): Promise<AccumulatedStream> {
  const result: AccumulatedStream = { choices: [], usage: undefined, chunks: [] };
  for await (const chunk of stream) {
    // One completion, one id: every chunk of a stream carries the id (and creation time) of its first.
    const first = result.chunks[0];
    if (first !== undefined && (chunk.id !== first.id || chunk.created !== first.created)) {
      throw new Error(
        `chunk ${result.chunks.length} has id ${chunk.id} (created ${chunk.created}); the stream began with ${first.id} (created ${first.created})`,
      );
    }
    result.chunks.push(chunk);
    if (chunk.usage) result.usage = chunk.usage;
    for (const choice of chunk.choices) {
      result.choices[choice.index] ??= { role: undefined, content: "", toolCalls: [], finishReason: null };
      const accumulated = result.choices[choice.index] as AccumulatedChoice;
      if (choice.delta.role) accumulated.role = choice.delta.role;
      accumulated.content += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        accumulated.toolCalls[call.index] ??= {
          id: "",
          type: "",
          name: "",
          arguments: "",
          argumentChunks: 0,
        };
        const toolCall = accumulated.toolCalls[call.index] as AccumulatedToolCall;
        if (call.id) toolCall.id = call.id;
        if (call.type) toolCall.type = call.type;
        if (call.function?.name) toolCall.name = call.function.name;
        if (call.function?.arguments) {
          toolCall.arguments += call.function.arguments;
          toolCall.argumentChunks++;
        }
      }
      if (choice.finish_reason !== null) accumulated.finishReason = choice.finish_reason;
    }
  }
  return result;
}

/** Collects whatever a stream yields before it throws, and the error; `error` is undefined for a clean end. */
export async function drainStream<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}
