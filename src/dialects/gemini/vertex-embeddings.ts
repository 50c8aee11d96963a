import { createUsage, type EmbeddingsRequest, type EmbeddingsResponse } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  type JsonRecord,
  optionalNumber,
  requireArray,
  requireRecord,
} from "../narrow.js";

/** Per-instance fields of a Vertex text-embedding `predict` call; every other extra field is a parameter. */
const INSTANCE_FIELDS = new Set(["task_type", "title"]);

/**
 * Inputs per `predict` call (https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings):
 * `gemini-embedding-*` models take one text per request, the `text-embedding-*` and multilingual ones 250.
 */
export function vertexEmbedMaxInputs(model: string): number {
  return model.startsWith("gemini-embedding") ? 1 : 250;
}

/**
 * Encodes a Vertex AI text-embeddings `predict` body
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api):
 * `{instances: [{content, task_type?, title?}], parameters: {outputDimensionality?, autoTruncate?}}`.
 */
export function encodeVertexEmbedRequest(request: EmbeddingsRequest): JsonRecord {
  const instanceFields: JsonRecord = {};
  const parameters: JsonRecord = {};
  if (request.dimensions !== undefined) parameters.outputDimensionality = request.dimensions;
  for (const [key, value] of Object.entries(request.extra)) {
    if (INSTANCE_FIELDS.has(key)) instanceFields[key] = value;
    else parameters[key] = value;
  }
  const body: JsonRecord = { instances: request.input.map((content) => ({ content, ...instanceFields })) };
  if (Object.keys(parameters).length > 0) body.parameters = parameters;
  return body;
}

/** Decodes `{predictions: [{embeddings: {values, statistics: {token_count}}}]}`; input tokens are the sum. */
export function decodeVertexEmbedResponse(body: unknown, model: string): EmbeddingsResponse {
  const root = requireRecord(body, "the response body");
  let tokens: number | null = 0;
  const embeddings = requireArray(root.predictions, "`predictions`").map((prediction, position) => {
    const embedding = isRecord(prediction) ? prediction.embeddings : undefined;
    if (!isRecord(embedding) || !Array.isArray(embedding.values)) {
      throw invalidUpstreamResponse(`predictions[${position}].embeddings.values is missing or not a list`);
    }
    const count = isRecord(embedding.statistics)
      ? optionalNumber(embedding.statistics.token_count)
      : undefined;
    tokens = count === undefined || tokens === null ? null : tokens + count;
    return embedding.values as number[];
  });
  return { model, embeddings, usage: createUsage(tokens, 0) };
}
