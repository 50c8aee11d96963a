import { createUsage, type EmbeddingsRequest, type EmbeddingsResponse } from "../../canonical/index.js";
import { invalidUpstreamResponse, isRecord, type JsonRecord, requireRecord } from "../narrow.js";

/** Cohere Embed on Bedrock takes at most 96 texts per call. */
export const COHERE_EMBED_MAX_INPUTS = 96;

/**
 * Encodes an InvokeModel body for Cohere Embed on Bedrock
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html):
 * `{texts, input_type, truncate?, embedding_types?}`. `input_type` is required: a client may choose it with an
 * extra `input_type` field, else `search_document`. Only float vectors are asked for.
 */
export function encodeCohereEmbedRequest(request: EmbeddingsRequest): JsonRecord {
  const body: JsonRecord = { texts: request.input, input_type: "search_document" };
  if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
  Object.assign(body, request.extra);
  body.embedding_types = ["float"];
  return body;
}

/**
 * Decodes `{embeddings: {float: [[...]]}}` (or `[[...]]` when no types were asked for). The body counts no
 * tokens: InvokeModel reports them in the `X-Amzn-Bedrock-Input-Token-Count` header, passed in here.
 */
export function decodeCohereEmbedResponse(
  body: unknown,
  model: string,
  inputTokens: number | null,
): EmbeddingsResponse {
  const root = requireRecord(body, "the response body");
  const vectors = Array.isArray(root.embeddings)
    ? root.embeddings
    : isRecord(root.embeddings) && Array.isArray(root.embeddings.float)
      ? root.embeddings.float
      : undefined;
  if (vectors === undefined) throw invalidUpstreamResponse("`embeddings.float` is missing or not a list");
  return { model, embeddings: vectors as number[][], usage: createUsage(inputTokens, 0) };
}
