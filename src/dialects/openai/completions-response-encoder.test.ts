import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { createUsage, UNKNOWN_USAGE } from "../../canonical/index.js";
import { encodeOpenAICompletionsResponse } from "./completions-response-encoder.js";

const spec = createSpecValidator("openai");

describe("encodeOpenAICompletionsResponse", () => {
  it("encodes OpenAI's text_completion object", () => {
    const encoded = encodeOpenAICompletionsResponse(
      {
        id: "cmpl-1",
        model: "gpt-3.5-turbo-instruct",
        created: 1_589_478_378,
        choices: [{ index: 0, text: "\n\nThis is indeed a test", finishReason: "length" }],
        usage: createUsage(5, 7),
      },
      "gpt-3.5-turbo-instruct",
    );
    expect(spec.validate("CreateCompletionResponse", encoded)).toEqual([]);
    expect(encoded).toEqual({
      id: "cmpl-1",
      object: "text_completion",
      created: 1_589_478_378,
      model: "gpt-3.5-turbo-instruct",
      choices: [{ index: 0, text: "\n\nThis is indeed a test", logprobs: null, finish_reason: "length" }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    });
  });

  it("generates a cmpl- id, and reports tool_calls or no reason as stop (completions have no tool calls)", () => {
    const encoded = encodeOpenAICompletionsResponse(
      {
        id: null,
        model: "",
        created: 1,
        choices: [
          { index: 0, text: "a", finishReason: null },
          { index: 1, text: "b", finishReason: "tool_calls" },
        ],
        usage: UNKNOWN_USAGE,
      },
      "route",
    );
    expect(spec.validate("CreateCompletionResponse", encoded)).toEqual([]);
    expect(encoded.id).toMatch(/^cmpl-[A-Za-z0-9]{29}$/);
    expect(encoded.choices.map((choice) => choice.finish_reason)).toEqual(["stop", "stop"]);
  });
});
