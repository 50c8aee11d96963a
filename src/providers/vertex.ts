import { z } from "zod";
import { mergeEmbeddingsResponses, type Operation, splitEmbeddingsRequest } from "../canonical/index.js";
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
import { joinPath, parseBaseUrl } from "./base-url.js";
import { bareModelId, googleModelProblem, modelPathSegment } from "./gemini-models.js";
import { createGeminiOperations } from "./gemini-operations.js";
import { parseServiceAccountKey, ServiceAccountTokenSource } from "./google-service-account.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";
import { createVertexAnthropicOperations, isVertexAnthropicModel } from "./vertex-anthropic.js";

/**
 * `model.config` of the vertex_ai provider (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest):
 * `vertex_credentials` is a service-account JSON key, given like any secret (`$ENV_VAR` holding the JSON, or
 * the key file's path); `vertex_project` defaults to the key's project; `vertex_location` is the region, or
 * `global`; `vertex_api_base` replaces the regional endpoint (Private Service Connect, a proxy).
 */
const configSchema = z
  .object({
    vertex_credentials: z.string().superRefine((value, context) => {
      const parsed = parseServiceAccountKey(value);
      if ("problem" in parsed) context.addIssue({ code: "custom", message: parsed.problem });
    }),
    vertex_project: z.string().min(1).optional(),
    vertex_location: z
      .string()
      .regex(/^(global|[a-z]+-[a-z]+\d+)$/, "must be a Google Cloud region (e.g. us-central1) or global")
      .default("us-central1"),
    vertex_api_base: httpUrlSchema.optional(),
    /** For Anthropic models: the Messages API requires `max_tokens`, as on the anthropic provider. */
    default_max_tokens: z.number().int().min(1).default(4096),
  })
  .strict()
  .superRefine((config, context) => {
    const parsed = parseServiceAccountKey(config.vertex_credentials);
    if ("key" in parsed && config.vertex_project === undefined && parsed.key.projectId === undefined) {
      context.addIssue({
        code: "custom",
        path: ["vertex_project"],
        message: "is required: the key in vertex_credentials names no project_id",
      });
    }
  });

type VertexConfig = z.infer<typeof configSchema>;

export const vertexProvider = defineProvider<VertexConfig>({
  name: "vertex_ai",
  aliases: ["vertex"],
  displayName: "Vertex AI",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: ["vertex_credentials"],
  modelProblem: vertexModelProblem,
  createTarget: createVertexTarget,
});

function vertexModelProblem(model: string, operation: Operation): string | undefined {
  if (isVertexAnthropicModel(model)) {
    return operation === "embeddings" ? `'${model}' is an Anthropic model, which cannot embed` : undefined;
  }
  return googleModelProblem(model, operation);
}

function createVertexTarget(model: string, config: VertexConfig): HttpUpstreamTarget {
  const parsed = parseServiceAccountKey(config.vertex_credentials);
  // The schema already refused anything else.
  if (!("key" in parsed)) throw new Error(`vertex_credentials ${parsed.problem}`);
  const project = config.vertex_project ?? parsed.key.projectId ?? "";
  const location = config.vertex_location;
  const host = location === "global" ? "aiplatform.googleapis.com" : `${location}-aiplatform.googleapis.com`;
  const base = parseBaseUrl(config.vertex_api_base ?? `https://${host}`);
  const anthropic = isVertexAnthropicModel(model);
  const modelPath = `v1/projects/${encodeURIComponent(project)}/locations/${location}/publishers/${anthropic ? "anthropic" : "google"}/models/${modelPathSegment(model)}`;
  const headers = { "content-type": "application/json" };
  const tokens = new ServiceAccountTokenSource(parsed.key, "Vertex AI");
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
