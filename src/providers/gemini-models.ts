import type { Operation } from "../canonical/index.js";

/**
 * Google's embedding models (`gemini-embedding-001`, `text-embedding-005`, `text-multilingual-embedding-002`,
 * `embedding-001`) embed and cannot generate; every other model generates and cannot embed
 * (https://ai.google.dev/gemini-api/docs/models).
 */
export function isGoogleEmbeddingModel(model: string): boolean {
  return /embedding/i.test(model);
}

/** Why a Google model cannot serve an operation, for the config check; undefined when it can. */
export function googleModelProblem(model: string, operation: Operation): string | undefined {
  const embeds = isGoogleEmbeddingModel(model);
  if (operation === "embeddings" && !embeds) {
    return `'${model}' is not an embedding model; llm/v1/embeddings routes need one (e.g. gemini-embedding-001, text-embedding-005)`;
  }
  if (operation !== "embeddings" && embeds) {
    return `'${model}' is an embedding model; it can only serve llm/v1/embeddings routes`;
  }
  return undefined;
}

/** A model id as the URL takes it: `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
export function bareModelId(model: string): string {
  return model.replace(/^models\//, "");
}

/** A model id as one URL path segment. `@` stays as it is: Vertex's partner model versions use it
 * (`claude-sonnet-4@20250514`) and its documented URLs keep it literal. */
export function modelPathSegment(model: string): string {
  return encodeURIComponent(bareModelId(model)).replaceAll("%40", "@");
}
