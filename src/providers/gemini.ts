import { z } from "zod";
import { googleModelProblem } from "./gemini-models.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { UpstreamTarget } from "./upstream-target.js";

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

export type GeminiConfig = z.infer<typeof configSchema>;

export const geminiProvider = defineProvider<GeminiConfig, Promise<UpstreamTarget>>({
  name: "gemini",
  displayName: "Gemini",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: ["gemini_api_key"],
  modelProblem: googleModelProblem,
  // The dialect's codecs load only in a worker with a Gemini route.
  createTarget: async (model, config) =>
    (await import("./gemini-target.js")).createGeminiTarget(model, config),
});
