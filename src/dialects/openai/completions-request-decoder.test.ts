import { decode, encode } from "gpt-tokenizer/encoding/cl100k_base";
import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { decodeOpenAICompletionsRequest } from "./completions-request-decoder.js";

const spec = createSpecValidator("openai");
const tokenText = (tokens: number[]) => decode(tokens);

describe("decodeOpenAICompletionsRequest", () => {
  it.each([
    ["a string prompt", { model: "r", prompt: "Say hi" }, { prompt: "Say hi", extra: {} }],
    ["a list of one prompt", { model: "r", prompt: ["Say hi"] }, { prompt: "Say hi" }],
    [
      "several prompts, kept as a list (answered together)",
      { model: "r", prompt: ["Say hi", "Say bye"] },
      { prompt: ["Say hi", "Say bye"] },
    ],
    ["cl100k_base token ids, as text", { model: "r", prompt: encode("Say hi") }, { prompt: "Say hi" }],
    [
      "a list of token-id lists, as texts",
      { model: "r", prompt: [encode("Say hi"), encode("and bye")] },
      { prompt: ["Say hi", "and bye"] },
    ],
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
    const { routeName, request } = decodeOpenAICompletionsRequest(input, tokenText);
    expect(routeName).toBe("r");
    expect(request).toMatchObject(expected);
  });

  it.each([
    ["no model", { prompt: "p" }, "Missing required parameter: 'model'.", "model"],
    ["no prompt", { model: "r" }, "Missing required parameter: 'prompt'.", "prompt"],
    [
      "a prompt that is a number",
      { model: "r", prompt: 5 },
      "Invalid type for 'prompt': expected a string, an array of strings or an array of token ids, but got an integer instead.",
      "prompt",
    ],
    [
      "a negative token id",
      { model: "r", prompt: [1212, -3] },
      "Invalid 'prompt[1]': a token id must be a non-negative integer, but got -3.",
      "prompt.1",
    ],
    [
      "token ids outside cl100k_base",
      { model: "r", prompt: [[999999999]] },
      "Invalid 'prompt[0]': these token ids are not cl100k_base tokens (the encoding the gateway decodes token input with).",
      "prompt.0",
    ],
    [
      "an empty list",
      { model: "r", prompt: [] },
      "Invalid 'prompt': empty array. Expected at least one item.",
      "prompt",
    ],
    [
      "a list holding an object",
      { model: "r", prompt: ["a", {}] },
      "Invalid type for 'prompt[1]': expected a string or an array of token ids, but got an object instead.",
      "prompt.1",
    ],
    [
      "a temperature above 2",
      { model: "r", prompt: "p", temperature: 2.5 },
      "Invalid 'temperature': number above maximum value. Expected a value <= 2, but got 2.5 instead.",
      "temperature",
    ],
  ])("refuses %s", (_name, input, message, param) => {
    expect(() => decodeOpenAICompletionsRequest(input, tokenText)).toThrow(
      expect.objectContaining({ code: "invalid_body", message, param }),
    );
  });
});
