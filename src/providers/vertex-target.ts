import { mergeEmbeddingsResponses, splitEmbeddingsRequest } from "../canonical/index.js";
import { decodeErrorMessage as decodeAnthropicError } from "../dialects/anthropic/error-message.js";
import {
  decodeErrorRetryAfter,
  decodeErrorMessage as decodeGoogleError,
} from "../dialects/gemini/error-message.js";
import {
  decodeVertexEmbedResponse,
  encodeVertexEmbedRequest,
  vertexEmbedMaxInputs,
} from "../dialects/gemini/vertex-embeddings.js";
import { ApplicationDefaultTokenSource } from "./application-default-token-source.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import { bareModelId, modelPathSegment } from "./gemini-models.js";
import { createGeminiOperations } from "./gemini-operations.js";
import { parseServiceAccountKey, type ServiceAccountKey } from "./service-account-key.js";
import { type AccessTokenSource, ServiceAccountTokenSource } from "./service-account-token-source.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";
import { isVertexAnthropicModel, type VertexConfig } from "./vertex.js";
import { createVertexAnthropicOperations } from "./vertex-anthropic.js";

export function createVertexTarget(model: string, config: VertexConfig): HttpUpstreamTarget {
  const key = serviceAccountKeyOf(config);
  const project = config.vertex_project ?? key?.projectId ?? "";
  const location = config.vertex_location;
  const host = location === "global" ? "aiplatform.googleapis.com" : `${location}-aiplatform.googleapis.com`;
  const base = parseBaseUrl(config.vertex_api_base ?? `https://${host}`);
  const anthropic = isVertexAnthropicModel(model);
  const modelPath = `v1/projects/${encodeURIComponent(project)}/locations/${location}/publishers/${anthropic ? "anthropic" : "google"}/models/${modelPathSegment(model)}`;
  const headers = { "content-type": "application/json" };
  const tokens: AccessTokenSource =
    key === undefined
      ? new ApplicationDefaultTokenSource("Vertex AI")
      : new ServiceAccountTokenSource(key, "Vertex AI");
  const predictPath = joinPath(base, `${modelPath}:predict`);
  const operations = anthropic
    ? createVertexAnthropicOperations(
        {
          generate: joinPath(base, `${modelPath}:rawPredict`),
          stream: joinPath(base, `${modelPath}:streamRawPredict`),
        },
        headers,
        config.default_max_tokens,
      )
    : {
        ...createGeminiOperations(
          {
            generate: joinPath(base, `${modelPath}:generateContent`),
            stream: joinPath(base, `${modelPath}:streamGenerateContent`, { alt: "sse" }),
          },
          headers,
          model,
          { name: "vertex_ai", displayName: "Vertex AI" },
        ),
        embeddings: {
          encodeRequest: (request: Parameters<typeof encodeVertexEmbedRequest>[0]) => ({
            path: predictPath,
            headers,
            body: JSON.stringify(encodeVertexEmbedRequest(request)),
          }),
          decodeResponse: (body: unknown) => decodeVertexEmbedResponse(body, model),
          fanOut: {
            split: (request: Parameters<typeof encodeVertexEmbedRequest>[0]) =>
              splitEmbeddingsRequest(request, vertexEmbedMaxInputs(bareModelId(model))),
            merge: mergeEmbeddingsResponses,
          },
        },
      };
  return {
    transport: "http",
    providerName: "vertex_ai",
    providerDisplayName: "Vertex AI",
    model,
    origin: base.origin,
    // Gemini models think through thinkingConfig, Claude models through Anthropic's `thinking`.
    features: ["reasoning"],
    // Vertex answers in Google's envelope; a partner model's own errors come in its own shape.
    decodeErrorMessage: (body) => decodeGoogleError(body) ?? decodeAnthropicError(body),
    decodeErrorRetryAfter,
    authorize: async (call) => ({
      ...call,
      headers: { ...call.headers, authorization: `Bearer ${await tokens.accessToken()}` },
    }),
    operations,
  };
}

/** The configured service-account key; undefined when the target uses Application Default Credentials. */
function serviceAccountKeyOf(config: VertexConfig): ServiceAccountKey | undefined {
  if (config.vertex_credentials === undefined) return undefined;
  const parsed = parseServiceAccountKey(config.vertex_credentials);
  // The schema already refused anything else.
  if (!("key" in parsed)) throw new Error(`vertex_credentials ${parsed.problem}`);
  return parsed.key;
}
