import { createUsage, type EmbeddingsRequest, type EmbeddingsResponse } from "../../canonical/index.js";
import { invalidUpstreamResponse, type JsonRecord, optionalNumber, requireRecord } from "../narrow.js";

/**
 * Encodes an InvokeModel body for Titan Text Embeddings
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html):
 * `{inputText, dimensions?, normalize?}`. Titan embeds one text per call, so a request of several texts is
 * split first (the provider's fan-out); this encodes the first and only one. Extra fields (`normalize`,
 * `embeddingTypes`) pass through.
 */
export function encodeTitanEmbedRequest(request: EmbeddingsRequest): JsonRecord {
  const body: JsonRecord = { inputText: request.input[0] ?? "" };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return Object.assign(body, request.extra);
}

/** Decodes `{embedding: [...], inputTextTokenCount}`. */
export function decodeTitanEmbedResponse(body: unknown, model: string): EmbeddingsResponse {
  const root = requireRecord(body, "the response body");
  if (!Array.isArray(root.embedding)) throw invalidUpstreamResponse("`embedding` is missing or not a list");
  return {
    model,
    embeddings: [root.embedding as number[]],
    usage: createUsage(optionalNumber(root.inputTextTokenCount) ?? null, 0),
  };
}
