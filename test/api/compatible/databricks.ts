import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * Databricks model serving (https://docs.databricks.com/aws/en/machine-learning/model-serving/score-foundation-models),
 * with MLflow 3's `host` and `token`: OpenAI's shape under `/serving-endpoints`, reasoning as content parts, and
 * Databricks' REST errors `{"error_code", "message"}`.
 */
const TOKEN = "dapi-test-0123456789";
const MODEL = "databricks-meta-llama-3-3-70b-instruct";

export const databricksRow: CompatibleRow = compatibleRow({
  provider: "databricks",
  model: MODEL,
  displayName: "Databricks",
  profile: {
    paths: {
      chat: "/serving-endpoints/chat/completions",
      completions: "/serving-endpoints/completions",
      embeddings: "/serving-endpoints/embeddings",
    },
    auth: "required",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    reasoning: "reasoning-parts",
    errorBody: (status, message, code) => ({
      error_code:
        code ?? (status === 429 ? "REQUEST_LIMIT_EXCEEDED" : status < 500 ? "BAD_REQUEST" : "INTERNAL_ERROR"),
      message,
    }),
  },
  config: (url) => ({ host: url, token: TOKEN }),
  headers: { authorization: `Bearer ${TOKEN}` },
  absentHeaders: [],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { top_k: 5 }, embeddings: {} },
  inBandError: {
    data: { error: { message: "Endpoint scaled to zero", type: "server_error", code: null } },
    message: "Endpoint scaled to zero",
  },
  codedError: {
    status: 404,
    body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: "The endpoint does not exist." },
    code: "RESOURCE_DOES_NOT_EXIST",
  },
});
