import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { decodeOpenAIEmbeddingsRequest } from "./embeddings-request-decoder.js";

const spec = createSpecValidator("openai");
const TOKEN_MESSAGE =
  "Invalid 'input': token arrays are not supported, because the gateway may serve the route through a provider with another tokenizer. Send the input as a string or an array of strings.";

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
  ])("decodes %s", (_name, input, expected) => {
    expect(spec.validate("CreateEmbeddingRequest", input)).toEqual([]);
    expect(decodeOpenAIEmbeddingsRequest(input)).toEqual({ routeName: "e", ...expected });
  });

  it.each([
    ["no model", { input: "x" }, "Missing required parameter: 'model'.", "model"],
    ["no input", { model: "e" }, "Missing required parameter: 'input'.", "input"],
    [
      "an input that is an object",
      { model: "e", input: { text: "x" } },
      "Invalid type for 'input': expected a string or an array of strings, but got an object instead.",
      "input",
    ],
    [
      "an empty list",
      { model: "e", input: [] },
      "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "input",
    ],
    ["a token array", { model: "e", input: [15339, 1917] }, TOKEN_MESSAGE, "input"],
    ["a list of token arrays", { model: "e", input: [[15339], [1917]] }, TOKEN_MESSAGE, "input"],
    [
      "a list holding null",
      { model: "e", input: ["a", null] },
      "Invalid type for 'input[1]': expected a string, but got null instead.",
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
    expect(() => decodeOpenAIEmbeddingsRequest(input)).toThrow(
      expect.objectContaining({ code: "invalid_body", message, param }),
    );
  });
});
