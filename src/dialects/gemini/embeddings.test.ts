import { describe, expect, it } from "vitest";
import { decodeBatchEmbedResponse, encodeBatchEmbedRequest } from "./embeddings.js";
import { decodeVertexEmbedResponse, encodeVertexEmbedRequest } from "./vertex-embeddings.js";

const request = {
  input: ["first", "second"],
  singleInput: false,
  dimensions: 256,
  extra: { taskType: "RETRIEVAL_QUERY" },
};

describe("Gemini API embeddings", () => {
  it("sends one EmbedContentRequest per text, each naming the model", () => {
    expect(encodeBatchEmbedRequest(request, "gemini-embedding-001")).toEqual({
      requests: ["first", "second"].map((text) => ({
        model: "models/gemini-embedding-001",
        content: { parts: [{ text }] },
        outputDimensionality: 256,
        taskType: "RETRIEVAL_QUERY",
      })),
    });
  });

  it("reads one vector per text and reports usage as unknown, since the API gives none", () => {
    expect(decodeBatchEmbedResponse({ embeddings: [{ values: [1, 2] }, { values: [3, 4] }] }, "m")).toEqual({
      model: "m",
      embeddings: [
        [1, 2],
        [3, 4],
      ],
      usage: { inputTokens: null, outputTokens: null, totalTokens: null },
    });
  });
});

describe("Vertex AI embeddings", () => {
  it("sends instances with per-text fields and the rest as parameters", () => {
    expect(
      encodeVertexEmbedRequest({
        ...request,
        extra: { task_type: "QUESTION_ANSWERING", autoTruncate: false },
      }),
    ).toEqual({
      instances: [
        { content: "first", task_type: "QUESTION_ANSWERING" },
        { content: "second", task_type: "QUESTION_ANSWERING" },
      ],
      parameters: { outputDimensionality: 256, autoTruncate: false },
    });
  });

  it("adds up the token counts of the predictions", () => {
    const prediction = (values: number[], tokens: number) => ({
      embeddings: { values, statistics: { token_count: tokens, truncated: false } },
    });
    expect(
      decodeVertexEmbedResponse({ predictions: [prediction([1], 3), prediction([2], 4)] }, "m").usage,
    ).toEqual({
      inputTokens: 7,
      outputTokens: 0,
      totalTokens: 7,
    });
  });
});
