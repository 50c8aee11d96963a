import { mergeEmbeddingsResponses, splitEmbeddingsRequest } from "../canonical/index.js";
import {
  BATCH_EMBED_MAX_INPUTS,
  decodeBatchEmbedResponse,
  encodeBatchEmbedRequest,
} from "../dialects/gemini/embeddings.js";
import { decodeErrorMessage, decodeErrorRetryAfter } from "../dialects/gemini/error-message.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import type { GeminiConfig } from "./gemini.js";
import { bareModelId, modelPathSegment } from "./gemini-models.js";
import { createGeminiOperations, type GeminiPaths } from "./gemini-operations.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";

export function createGeminiTarget(model: string, config: GeminiConfig): HttpUpstreamTarget {
  const base = parseBaseUrl(config.gemini_api_base);
  const modelPath = `models/${modelPathSegment(model)}`;
  const paths: GeminiPaths = {
    generate: joinPath(base, `${modelPath}:generateContent`),
    stream: joinPath(base, `${modelPath}:streamGenerateContent`, { alt: "sse" }),
  };
  const embedPath = joinPath(base, `${modelPath}:batchEmbedContents`);
  const headers = { "x-goog-api-key": config.gemini_api_key, "content-type": "application/json" };
  return {
    transport: "http",
    providerName: "gemini",
    providerDisplayName: "Gemini",
    model,
    origin: base.origin,
    features: ["reasoning"],
    decodeErrorMessage,
    decodeErrorRetryAfter,
    operations: {
      ...createGeminiOperations(paths, headers, model, { name: "gemini", displayName: "Gemini" }),
      embeddings: {
        encodeRequest: (request) => ({
          path: embedPath,
          headers,
          body: JSON.stringify(encodeBatchEmbedRequest(request, bareModelId(model))),
        }),
        decodeResponse: (body) => decodeBatchEmbedResponse(body, model),
        fanOut: {
          split: (request) => splitEmbeddingsRequest(request, BATCH_EMBED_MAX_INPUTS),
          merge: mergeEmbeddingsResponses,
        },
      },
    },
  };
}
