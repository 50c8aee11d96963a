import { z } from "zod";
import type { Operation } from "../canonical/index.js";
import { googleModelProblem } from "./gemini-models.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import { parseServiceAccountKey } from "./service-account-key.js";
import type { UpstreamTarget } from "./upstream-target.js";

/**
 * `model.config` of the vertex_ai provider (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest):
 * `vertex_credentials` is a service-account JSON key, given like any secret (`$ENV_VAR` holding the JSON, or
 * the key file's path); without it the gateway uses Application Default Credentials (the environment's
 * GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, or the machine's service account) and `vertex_project` is
 * required; `vertex_project` defaults to the key's project; `vertex_location` is the region, or `global`;
 * `vertex_api_base` replaces the regional endpoint (Private Service Connect, a proxy).
 */
const configSchema = z
  .object({
    vertex_credentials: z
      .string()
      .superRefine((value, context) => {
        const parsed = parseServiceAccountKey(value);
        if ("problem" in parsed) context.addIssue({ code: "custom", message: parsed.problem });
      })
      .optional(),
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
    if (config.vertex_credentials === undefined) {
      if (config.vertex_project === undefined) {
        context.addIssue({
          code: "custom",
          path: ["vertex_project"],
          message:
            "is required when vertex_credentials is not given (the gateway then uses Application Default Credentials, which name no project)",
        });
      }
      return;
    }
    const parsed = parseServiceAccountKey(config.vertex_credentials);
    if ("key" in parsed && config.vertex_project === undefined && parsed.key.projectId === undefined) {
      context.addIssue({
        code: "custom",
        path: ["vertex_project"],
        message: "is required: the key in vertex_credentials names no project_id",
      });
    }
  });

export type VertexConfig = z.infer<typeof configSchema>;

export const vertexProvider = defineProvider<VertexConfig, Promise<UpstreamTarget>>({
  name: "vertex_ai",
  aliases: ["vertex"],
  displayName: "Vertex AI",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: ["vertex_credentials"],
  modelProblem: vertexModelProblem,
  innerSecrets: (config) => {
    if (config.vertex_credentials === undefined) return [];
    const parsed = parseServiceAccountKey(config.vertex_credentials);
    return "key" in parsed ? [parsed.key.privateKey] : [];
  },
  // The codecs, the token source and jose (or google-auth-library) load only in a worker with a Vertex AI route.
  createTarget: async (model, config) =>
    (await import("./vertex-target.js")).createVertexTarget(model, config),
});

function vertexModelProblem(model: string, operation: Operation): string | undefined {
  if (isVertexAnthropicModel(model)) {
    return operation === "embeddings" ? `'${model}' is an Anthropic model, which cannot embed` : undefined;
  }
  return googleModelProblem(model, operation);
}

/** Claude models on Vertex are published by Anthropic (`publishers/anthropic/models/claude-...`). */
export function isVertexAnthropicModel(model: string): boolean {
  return /^claude-/.test(model);
}
