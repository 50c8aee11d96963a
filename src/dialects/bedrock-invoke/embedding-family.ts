/**
 * The embedding model families Bedrock's InvokeModel serves, by model id (a cross-region inference profile's
 * `us.`/`eu.`/`apac.`/`global.` prefix, or an ARN's path, is looked through):
 * - `amazon.titan-embed-*`: Titan Text Embeddings (v1, v2), one text per call;
 * - `cohere.embed-*`: Cohere Embed (v3, v4), up to 96 texts per call.
 */
export type EmbeddingFamily = "titan" | "cohere";

export function embeddingFamilyOf(modelId: string): EmbeddingFamily | undefined {
  const base = (modelId.split("/").at(-1) ?? modelId).replace(/^(?:us|eu|apac|us-gov|global)\./, "");
  if (base.startsWith("amazon.titan-embed")) return "titan";
  if (base.startsWith("cohere.embed")) return "cohere";
  return undefined;
}
