import { describe, expect, it } from "vitest";
import { type EmbeddingsRequest, GatewayError } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { decodeEmbeddingsResponse, encodeEmbeddingsRequest } from "./embeddings.js";

const MODEL = "embed-v4.0";

function embed(overrides: Partial<EmbeddingsRequest>): EmbeddingsRequest {
  return { input: ["hello", "goodbye"], singleInput: false, extra: {}, ...overrides };
}

const CASES: { name: string; request: EmbeddingsRequest; expected: JsonRecord }[] = [
  {
    name: "sends the texts with the configured default input_type and asks for float vectors",
    request: embed({}),
    expected: {
      model: MODEL,
      texts: ["hello", "goodbye"],
      input_type: "search_document",
      embedding_types: ["float"],
    },
  },
  {
    name: "sends a single input as a list of one",
    request: embed({ input: ["hello"], singleInput: true }),
    expected: { model: MODEL, texts: ["hello"], input_type: "search_document", embedding_types: ["float"] },
  },
  {
    name: "uses the request's own input_type over the configured default",
    request: embed({ extra: { input_type: "search_query" } }),
    expected: {
      model: MODEL,
      texts: ["hello", "goodbye"],
      input_type: "search_query",
      embedding_types: ["float"],
    },
  },
  {
    name: "sends dimensions as output_dimension",
    request: embed({ dimensions: 512 }),
    expected: {
      model: MODEL,
      texts: ["hello", "goodbye"],
      input_type: "search_document",
      output_dimension: 512,
      embedding_types: ["float"],
    },
  },
  {
    name: "passes other extra fields through but always asks for float vectors",
    request: embed({ extra: { truncate: "END", embedding_types: ["int8"] } }),
    expected: {
      model: MODEL,
      texts: ["hello", "goodbye"],
      input_type: "search_document",
      truncate: "END",
      embedding_types: ["float"],
    },
  },
];

describe("encodeEmbeddingsRequest", () => {
  it.each(CASES)("$name", ({ request, expected }) => {
    expect(encodeEmbeddingsRequest(request, MODEL, "search_document")).toEqual(expected);
  });
});

describe("decodeEmbeddingsResponse", () => {
  it("returns the float vectors in input order with billed input tokens and no output tokens", () => {
    // Shaped after the recorded example embed-v2-post_embed-post.yaml of Cohere's spec, vectors shortened.
    const body = {
      id: "da6e531f",
      texts: ["hello", "goodbye"],
      embeddings: {
        float: [
          [0.016, -0.008],
          [0.031, -0.018],
        ],
      },
      meta: { api_version: { version: "2", is_experimental: true }, billed_units: { input_tokens: 2 } },
      response_type: "embeddings_by_type",
    };
    expect(decodeEmbeddingsResponse(body, MODEL)).toEqual({
      model: MODEL,
      embeddings: [
        [0.016, -0.008],
        [0.031, -0.018],
      ],
      usage: { inputTokens: 2, outputTokens: 0, totalTokens: 2 },
    });
  });

  it("reports unknown input tokens when the response has no billed units", () => {
    const decoded = decodeEmbeddingsResponse({ id: "x", embeddings: { float: [[1]] } }, MODEL);
    expect(decoded.usage).toEqual({ inputTokens: null, outputTokens: 0, totalTokens: 0 });
  });

  it.each([
    { name: "no embeddings object", body: { id: "x" } },
    { name: "no float vectors", body: { id: "x", embeddings: { int8: [[1]] } } },
    { name: "a vector that is not a list", body: { id: "x", embeddings: { float: [1] } } },
  ])("rejects a response with $name as an invalid upstream response", ({ body }) => {
    expect(() => decodeEmbeddingsResponse(body, MODEL)).toThrow(GatewayError);
  });
});
