import { type EmbeddingsRequest, type EmbeddingsResponse, UNKNOWN_USAGE } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  type JsonRecord,
  requireArray,
  requireRecord,
} from "../narrow.js";

/**
 * `batchEmbedContents` takes at most 100 requests per call
 * (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents); longer inputs are split.
 */
export const BATCH_EMBED_MAX_INPUTS = 100;

/**
 * Encodes a canonical embeddings request as a `batchEmbedContents` body: one EmbedContentRequest per text, each
 * naming the model as the URL does. `dimensions` is `outputDimensionality`; a client's extra fields
 * (`taskType`, `title`, ...) apply to every text. One call per list keeps one vector per text: packing the
 * texts as parts of one content would return a single vector for all of them.
 */
export function encodeBatchEmbedRequest(request: EmbeddingsRequest, model: string): JsonRecord {
  const shared: JsonRecord = {};
  if (request.dimensions !== undefined) shared.outputDimensionality = request.dimensions;
  Object.assign(shared, request.extra);
  return {
    requests: request.input.map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...shared,
    })),
  };
}

/**
 * Decodes `{embeddings: [{values: [...]}]}`, one per text in order. The Gemini API reports no token counts
 * for embeddings, so usage is unknown rather than zero.
 */
export function decodeBatchEmbedResponse(body: unknown, model: string): EmbeddingsResponse {
  const root = requireRecord(body, "the response body");
  const embeddings = requireArray(root.embeddings, "`embeddings`").map((embedding, position) => {
    if (!isRecord(embedding) || !Array.isArray(embedding.values)) {
      throw invalidUpstreamResponse(`embeddings[${position}].values is missing or not a list`);
    }
    return embedding.values as number[];
  });
  return { model, embeddings, usage: UNKNOWN_USAGE };
}
