import type { ChatResponse, CompletionsResponse, StreamEvent } from "../canonical/index.js";

/**
 * Replays a complete response as a canonical stream, for upstreams that cannot stream (the in-process mock)
 * or that answered a streaming request with a whole JSON body. Text is cut into word-sized deltas, so clients
 * see the incremental shape they asked for.
 */
export async function* responseToEvents(
  response: ChatResponse | CompletionsResponse,
): AsyncGenerator<StreamEvent> {
  yield { type: "message_start", id: response.id, model: response.model, created: response.created };
  for (const choice of response.choices) {
    const text = "text" in choice ? choice.text : choice.message.content;
    let index = 0;
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
