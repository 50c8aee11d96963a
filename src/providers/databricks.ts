import { openaiCompatible } from "./openai-compatible.js";

/**
 * Databricks model serving (https://docs.databricks.com/aws/en/machine-learning/model-serving/score-foundation-models),
 * with MLflow 3's config keys: `host` (the workspace URL) and `token` (a personal access token). The model is the
 * serving endpoint's name; reasoning models answer with `reasoning` content parts.
 */
export const databricksProvider = openaiCompatible({
  name: "databricks",
  aliases: ["databricks-model-serving"],
  displayName: "Databricks",
  docs: "https://docs.databricks.com/aws/en/machine-learning/model-serving/score-foundation-models",
  config: {
    baseUrl: { key: "host" },
    apiKey: { key: "token", required: true },
  },
  chat: {
    path: "serving-endpoints/chat/completions",
    // https://docs.databricks.com/aws/en/machine-learning/model-serving/query-reason-models: gpt-oss endpoints.
    request: { reasoningEfforts: ["low", "medium", "high"], reasoningModels: /gpt-oss/ },
  },
  completions: { path: "serving-endpoints/completions", promptLists: false, tokens: false },
  embeddings: { path: "serving-endpoints/embeddings", tokens: false, base64: false },
  response: { contentParts: true },
});
