import type { EmbeddingsResponse } from "../../canonical/index.js";
import type { EmbeddingsEncodingFormat } from "./embeddings-request-decoder.js";
import { encodeFloat32Base64 } from "./float32-base64.js";

/** A `list` of `embedding` objects (OpenAI's CreateEmbeddingResponse); `embedding` is a string for base64. */
export interface OpenAIEmbeddingList {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * Encodes a canonical embeddings response as OpenAI's embeddings list
 * (https://platform.openai.com/docs/api-reference/embeddings/object), each vector as numbers or, for
 * `encodingFormat: "base64"`, as base64 of little-endian float32 values. `model` as for encodeOpenAIChatResponse.
 * Unknown token counts are written as 0, as OpenAI's schema requires integers.
 */
export function encodeOpenAIEmbeddingsResponse(
  response: EmbeddingsResponse,
  model: string,
  encodingFormat: EmbeddingsEncodingFormat,
): OpenAIEmbeddingList {
  const prompt = response.usage.inputTokens ?? 0;
  return {
    object: "list",
    data: response.embeddings.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodingFormat === "base64" ? encodeFloat32Base64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: prompt, total_tokens: response.usage.totalTokens ?? prompt },
  };
}
