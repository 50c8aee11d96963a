import { z } from "zod";
import { mergeEmbeddingsResponses, splitEmbeddingsRequest } from "../canonical/index.js";
import {
  BATCH_EMBED_MAX_INPUTS,
  decodeBatchEmbedResponse,
  encodeBatchEmbedRequest,
} from "../dialects/gemini/embeddings.js";
import { decodeErrorMessage, decodeErrorRetryAfter } from "../dialects/gemini/error-message.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import { bareModelId, googleModelProblem, modelPathSegment } from "./gemini-models.js";
import { createGeminiOperations, type GeminiPaths } from "./gemini-operations.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";

const DEFAULT_API_BASE = "https://generativelanguage.googleapis.com/v1beta";

/**
 * `model.config` of the gemini provider, the Gemini API (https://ai.google.dev/api). `v1beta` is the default
 * because `v1` lags behind it on features (JSON Schema tools, thinking); the key is sent in the
 * `x-goog-api-key` header rather than the `?key=` query, which would put it in URLs and logs.
 */
const configSchema = z
  .object({
    gemini_api_key: z.string().min(1),
    gemini_api_base: httpUrlSchema.default(DEFAULT_API_BASE),
  })
  .strict();

type GeminiConfig = z.infer<typeof configSchema>;

export const geminiProvider = defineProvider<GeminiConfig>({
  name: "gemini",
  displayName: "Gemini",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: ["gemini_api_key"],
  modelProblem: googleModelProblem,
  createTarget: createGeminiTarget,
});

function createGeminiTarget(model: string, config: GeminiConfig): HttpUpstreamTarget {
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
    decodeErrorMessage,
    decodeErrorRetryAfter,
    operations: {
      ...createGeminiOperations(paths, headers, model),
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
