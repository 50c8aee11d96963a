import { createUsage, type EmbeddingsRequest, type EmbeddingsResponse } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  type JsonRecord,
  optionalNumber,
  requireArray,
  requireRecord,
} from "../narrow.js";

/** v2's `input_type` values (https://docs.cohere.com/v2/reference/embed#request.body.input_type). */
export const EMBED_INPUT_TYPES = [
  "search_document",
  "search_query",
  "classification",
  "clustering",
  "image",
] as const;
export type EmbedInputType = (typeof EMBED_INPUT_TYPES)[number];

/**
 * Encodes a Cohere v2 `POST /v2/embed` body (https://docs.cohere.com/v2/reference/embed). v2 requires
 * `input_type`: a client may choose it per request with an extra `input_type` field, else the target's default
 * is used. Only float vectors are asked for, since those are what the canonical response holds: a client's
 * `embedding_types` is overridden. Other extra fields (`truncate`, `max_tokens`, ...) pass through.
 */
export function encodeEmbeddingsRequest(
  request: EmbeddingsRequest,
  model: string,
  defaultInputType: EmbedInputType,
): JsonRecord {
  const body: JsonRecord = {
    model,
    texts: request.input,
    input_type: request.extra.input_type ?? defaultInputType,
  };
  if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
  Object.assign(body, request.extra);
  body.embedding_types = ["float"];
  return body;
}

/**
 * Decodes a v2 embed response: `embeddings.float` holds one vector per text, in input order. The response names
 * no model, so the configured one is reported. Cohere bills only input tokens
 * (`meta.billed_units.input_tokens`); output tokens are 0.
 */
export function decodeEmbeddingsResponse(body: unknown, model: string): EmbeddingsResponse {
  const root = requireRecord(body, "the response body");
  const byType = requireRecord(root.embeddings, "`embeddings`");
  const vectors = requireArray(byType.float, "`embeddings.float`");
  const embeddings = vectors.map((vector, position) => {
    if (!Array.isArray(vector)) {
      throw invalidUpstreamResponse(`embeddings.float[${position}] is not a list of numbers`);
    }
    return vector as number[];
  });
  const meta = isRecord(root.meta) ? root.meta : {};
  const billed = isRecord(meta.billed_units) ? meta.billed_units : {};
  return { model, embeddings, usage: createUsage(optionalNumber(billed.input_tokens) ?? null, 0) };
}
