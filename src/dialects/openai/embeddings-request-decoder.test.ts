import { decode, encode } from "gpt-tokenizer/encoding/cl100k_base";
import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { decodeOpenAIEmbeddingsRequest } from "./embeddings-request-decoder.js";

const spec = createSpecValidator("openai");
const tokenText = (tokens: number[]) => decode(tokens);

describe("decodeOpenAIEmbeddingsRequest", () => {
  it.each([
    [
      "a single string, floats by default",
      { model: "e", input: "hello" },
      { request: { input: ["hello"], singleInput: true, extra: {} }, encodingFormat: "float" },
    ],
    [
      "a list of strings in base64",
      { model: "e", input: ["a", "b"], encoding_format: "base64" },
      { request: { input: ["a", "b"], singleInput: false, extra: {} }, encodingFormat: "base64" },
    ],
    [
      "dimensions and user (user kept in extra, encoding_format not forwarded)",
      { model: "e", input: "x", dimensions: 256, user: "u-1", encoding_format: "float" },
      {
        request: { input: ["x"], singleInput: true, dimensions: 256, extra: { user: "u-1" } },
        encodingFormat: "float",
      },
    ],
    [
      "one list of cl100k_base token ids (LangChain's OpenAIEmbeddings), as one text",
      { model: "e", input: encode("hello world") },
      { request: { input: ["hello world"], singleInput: true, extra: {} }, encodingFormat: "float" },
    ],
    [
      "a list of token-id lists, as texts",
      { model: "e", input: [encode("first text"), encode("second")] },
      {
        request: { input: ["first text", "second"], singleInput: false, extra: {} },
        encodingFormat: "float",
      },
    ],
  ])("decodes %s", (_name, input, expected) => {
    expect(spec.validate("CreateEmbeddingRequest", input)).toEqual([]);
    expect(decodeOpenAIEmbeddingsRequest(input, tokenText)).toEqual({ routeName: "e", ...expected });
  });

  it("refuses token ids when no tokenizer was loaded for the body, rather than guessing", () => {
    expect(() => decodeOpenAIEmbeddingsRequest({ model: "e", input: [15339] })).toThrow(
      expect.objectContaining({ code: "invalid_body", param: "input" }),
    );
  });

  it.each([
    ["no model", { input: "x" }, "Missing required parameter: 'model'.", "model"],
    ["no input", { model: "e" }, "Missing required parameter: 'input'.", "input"],
    [
      "an input that is an object",
      { model: "e", input: { text: "x" } },
      "Invalid type for 'input': expected a string, an array of strings or an array of token ids, but got an object instead.",
      "input",
    ],
    [
      "an empty list",
      { model: "e", input: [] },
      "Invalid 'input': empty array. Expected at least one item.",
      "input",
    ],
    [
      "a token id that is not an integer",
      { model: "e", input: [[15339, 1.5]] },
      "Invalid 'input[0][1]': a token id must be a non-negative integer, but got 1.5.",
      "input.0.1",
    ],
    [
      "a list holding null",
      { model: "e", input: ["a", null] },
      "Invalid type for 'input[1]': expected a string or an array of token ids, but got null instead.",
      "input.1",
    ],
    [
      "an unknown encoding_format",
      { model: "e", input: "x", encoding_format: "int8" },
      "Invalid value for 'encoding_format': 'int8'. Supported values are: 'float' and 'base64'.",
      "encoding_format",
    ],
    [
      "dimensions of 0",
      { model: "e", input: "x", dimensions: 0 },
      "Invalid 'dimensions': number below minimum value. Expected a value >= 1, but got 0 instead.",
      "dimensions",
    ],
  ])("refuses %s", (_name, input, message, param) => {
    expect(() => decodeOpenAIEmbeddingsRequest(input, tokenText)).toThrow(
      expect.objectContaining({ code: "invalid_body", message, param }),
    );
  });
});
