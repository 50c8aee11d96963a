import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { createUsage, type StreamEvent } from "../../canonical/index.js";
import { createOpenAICompletionsStreamEncoder } from "./completions-stream-encoder.js";

const spec = createSpecValidator("openai");
const OPTIONS = { id: "cmpl-gw", model: "route", created: 1_690_759_702, includeUsage: false };

/**
 * Checks a chunk against CreateCompletionResponse, which OpenAI documents as the shape of stream chunks too.
 * The schema does not allow the `finish_reason: null` that every chunk but the last carries on the wire (see
 * the spec's own streaming example), so such chunks are checked with that one value filled in.
 */
function validateChunk(chunk: { choices: { finish_reason: string | null }[] }): string[] {
  const choices = chunk.choices.map((choice) => ({
    ...choice,
    finish_reason: choice.finish_reason ?? "stop",
  }));
  return spec.validate("CreateCompletionResponse", { ...chunk, choices });
}

function encode(events: StreamEvent[], includeUsage = false) {
  const encoder = createOpenAICompletionsStreamEncoder({ ...OPTIONS, includeUsage });
  const texts = [...events.flatMap((event) => encoder.push(event)), ...encoder.finish()];
  const chunks = texts.map((text) => JSON.parse(text));
  for (const chunk of chunks) expect(validateChunk(chunk)).toEqual([]);
  return chunks;
}

const HEAD = {
  id: "cmpl-gw",
  object: "text_completion",
  created: 1_690_759_702,
  model: "gpt-3.5-turbo-instruct",
};
const START: StreamEvent = { type: "message_start", id: null, model: "gpt-3.5-turbo-instruct", created: 1 };

describe("createOpenAICompletionsStreamEncoder", () => {
  it("sends one text_completion chunk per text delta and a finishing chunk, skipping tool calls", () => {
    expect(
      encode([
        START,
        { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
        { type: "text_delta", choice: 0, index: 0, text: "This" },
        { type: "text_delta", choice: 0, index: 0, text: " is" },
        { type: "block_stop", choice: 0, index: 0 },
        { type: "block_start", choice: 0, index: 1, block: { kind: "tool_call", id: "c", name: "f" } },
        { type: "tool_arguments_delta", choice: 0, index: 1, json: "{}" },
        { type: "finish", choice: 0, reason: "length" },
      ]),
    ).toEqual([
      { ...HEAD, choices: [{ index: 0, text: "This", logprobs: null, finish_reason: null }] },
      { ...HEAD, choices: [{ index: 0, text: " is", logprobs: null, finish_reason: null }] },
      { ...HEAD, choices: [{ index: 0, text: "", logprobs: null, finish_reason: "length" }] },
    ]);
  });

  it("with include_usage, ends with a usage chunk with no choices (other chunks carry no usage)", () => {
    const chunks = encode(
      [
        START,
        { type: "text_delta", choice: 0, index: 0, text: "Hi" },
        { type: "finish", choice: 0, reason: "stop" },
        { type: "usage", usage: createUsage(4, 1) },
      ],
      true,
    );
    expect(chunks.map((chunk) => chunk.usage)).toEqual([
      undefined,
      undefined,
      { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
    ]);
    expect(chunks.at(-1).choices).toEqual([]);
  });
});
