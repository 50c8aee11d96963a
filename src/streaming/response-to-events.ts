import {
  type ChatResponse,
  type CompletionsResponse,
  createUsage,
  type StreamEvent,
} from "../canonical/index.js";

/**
 * Replays a complete response as a canonical stream, for upstreams that cannot stream (the in-process mock)
 * or that answered a streaming request with a whole JSON body. Text is cut into word-sized deltas, so clients
 * see the incremental shape they asked for.
 */
export async function* responseToEvents(
  response: ChatResponse | CompletionsResponse,
): AsyncGenerator<StreamEvent> {
  const { inputTokens, cacheReadTokens, cacheWriteTokens } = response.usage;
  const startUsage = createUsage(inputTokens, null, {
    ...(cacheReadTokens === undefined ? {} : { cacheReadTokens }),
    ...(cacheWriteTokens === undefined ? {} : { cacheWriteTokens }),
  });
  yield {
    type: "message_start",
    id: response.id,
    model: response.model,
    created: response.created,
    usage: startUsage,
  };
  for (const choice of response.choices) {
    const text = "text" in choice ? choice.text : choice.message.content;
    let index = 0;
    const reasoning = "message" in choice ? (choice.message.reasoning ?? []) : [];
    for (const thought of reasoning) {
      const block: StreamEvent & { type: "block_start" } = {
        type: "block_start",
        choice: choice.index,
        index,
        block: { kind: "reasoning" },
      };
      if (thought.origin !== undefined) block.block = { kind: "reasoning", origin: thought.origin };
      if (thought.redacted !== undefined)
        block.block = { ...block.block, kind: "reasoning", redacted: thought.redacted };
      yield block;
      if (thought.text !== "")
        yield { type: "reasoning_delta", choice: choice.index, index, text: thought.text };
      if (thought.signature !== undefined)
        yield { type: "reasoning_signature", choice: choice.index, index, signature: thought.signature };
      yield { type: "block_stop", choice: choice.index, index };
      index++;
    }
    if (text !== null && text !== "") {
      yield { type: "block_start", choice: choice.index, index, block: { kind: "text" } };
      for (const piece of wordPieces(text))
        yield { type: "text_delta", choice: choice.index, index, text: piece };
      yield { type: "block_stop", choice: choice.index, index };
      index++;
    }
    const toolCalls = "message" in choice ? (choice.message.toolCalls ?? []) : [];
    for (const call of toolCalls) {
      yield {
        type: "block_start",
        choice: choice.index,
        index,
        block: { kind: "tool_call", id: call.id, name: call.name },
      };
      if (call.arguments !== "")
        yield { type: "tool_arguments_delta", choice: choice.index, index, json: call.arguments };
      yield { type: "block_stop", choice: choice.index, index };
      index++;
    }
    yield { type: "finish", choice: choice.index, reason: choice.finishReason };
  }
  yield { type: "usage", usage: response.usage };
}

/** Splits text after each run of whitespace, keeping every character: "a b  c" -> "a ", "b  ", "c". */
export function wordPieces(text: string): string[] {
  return text.match(/\S*\s+|\S+$/g) ?? [text];
}
