import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
  openAIStyleError,
} from "./compatible-row.js";

/**
 * Ollama's OpenAI-compatible API (https://github.com/ollama/ollama/blob/main/docs/openai.md): its spec covers only
 * the native API, so requests are checked against OpenAI's plus the compatibility page's limits (one candidate, a
 * string `prompt`); no credentials locally; reasoning in `reasoning`.
 */
const MODEL = "llama3.2";

export const ollamaRow: CompatibleRow = compatibleRow({
  provider: "ollama",
  model: MODEL,
  displayName: "Ollama",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions", embeddings: "/v1/embeddings" },
    auth: "none",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    rules: (operation, body) => [
      ...(body.n !== undefined ? ["Ollama does not support `n`"] : []),
      ...(operation === "completions" && typeof body.prompt !== "string"
        ? ["`prompt` must be a string"]
        : []),
    ],
    reasoning: "reasoning",
    errorBody: openAIStyleError,
  },
  config: (url) => ({ ollama_api_base: `${url}/v1` }),
  headers: {},
  absentHeaders: ["authorization"],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 1,
  chatBody: (intent) => openAIShapedChat(intent, MODEL, { oneCandidate: true }),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL, { oneCandidate: true }),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { keep_alive: "5m" }, embeddings: {} },
  inBandError: {
    data: {
      error: { message: "model runner has unexpectedly stopped", type: "api_error", param: null, code: null },
    },
    message: "model runner has unexpectedly stopped",
  },
  codedError: {
    status: 404,
    body: {
      error: { message: "model 'llama9' not found", type: "api_error", param: null, code: "model_not_found" },
    },
    code: "model_not_found",
    type: "api_error",
  },
});
