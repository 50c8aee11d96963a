import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { decodeOpenAICompletionsRequest } from "./completions-request-decoder.js";

const spec = createSpecValidator("openai");

describe("decodeOpenAICompletionsRequest", () => {
  it.each([
    ["a string prompt", { model: "r", prompt: "Say hi" }, { prompt: "Say hi", extra: {} }],
    ["a list of one prompt", { model: "r", prompt: ["Say hi"] }, { prompt: "Say hi" }],
    [
      "sampling fields and a usage stream",
      {
        model: "r",
        prompt: "p",
        temperature: 0.2,
        top_p: 1,
        max_tokens: 16,
        stop: ["\n"],
        n: 3,
        seed: 1,
        stream: true,
        stream_options: { include_usage: true },
      },
      {
        temperature: 0.2,
        topP: 1,
        maxTokens: 16,
        stop: ["\n"],
        n: 3,
        seed: 1,
        stream: true,
        streamIncludeUsage: true,
      },
    ],
    [
      "suffix, echo, logprobs and best_of, kept in extra",
      { model: "r", prompt: "p", suffix: "end", echo: true, logprobs: 2, best_of: 2, user: "u" },
      { extra: { suffix: "end", echo: true, logprobs: 2, best_of: 2, user: "u" } },
    ],
  ])("decodes %s", (_name, input, expected) => {
    expect(spec.validate("CreateCompletionRequest", input)).toEqual([]);
    const { routeName, request } = decodeOpenAICompletionsRequest(input);
    expect(routeName).toBe("r");
    expect(request).toMatchObject(expected);
  });

  it.each([
    ["no model", { prompt: "p" }, "Missing required parameter: 'model'.", "model"],
    ["no prompt", { model: "r" }, "Missing required parameter: 'prompt'.", "prompt"],
    [
      "a prompt that is a number",
      { model: "r", prompt: 5 },
      "Invalid type for 'prompt': expected a string or an array of one string, but got an integer instead.",
      "prompt",
    ],
    [
      "several prompts",
      { model: "r", prompt: ["a", "b", "c"] },
      "Invalid 'prompt': the gateway serves one prompt per request, but got an array of 3 prompts. Send one request per prompt.",
      "prompt",
    ],
    [
      "a token array",
      { model: "r", prompt: [1212, 318] },
      "Invalid 'prompt': token arrays are not supported, because the gateway may serve the route through a provider with another tokenizer. Send the prompt as a string.",
      "prompt",
    ],
    [
      "a list of token arrays",
      { model: "r", prompt: [[1212, 318]] },
      "Invalid 'prompt': token arrays are not supported, because the gateway may serve the route through a provider with another tokenizer. Send the prompt as a string.",
      "prompt",
    ],
    [
      "an empty list",
      { model: "r", prompt: [] },
      "Invalid 'prompt': empty array. Send the prompt as a string.",
      "prompt",
    ],
    [
      "a list holding an object",
      { model: "r", prompt: ["a", {}] },
      "Invalid type for 'prompt[1]': expected a string, but got an object instead.",
      "prompt.1",
    ],
    [
      "a temperature above 2",
      { model: "r", prompt: "p", temperature: 2.5 },
      "Invalid 'temperature': number above maximum value. Expected a value <= 2, but got 2.5 instead.",
      "temperature",
    ],
  ])("refuses %s", (_name, input, message, param) => {
    expect(() => decodeOpenAICompletionsRequest(input)).toThrow(
      expect.objectContaining({ code: "invalid_body", message, param }),
    );
  });
});
