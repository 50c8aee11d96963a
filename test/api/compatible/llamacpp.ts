import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * llama.cpp's server (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md): OpenAI's shape,
 * no credentials, one candidate, errors `{"error": {"code": <status>, "message", "type"}}`.
 */
const MODEL = "local-model";

export const llamacppRow: CompatibleRow = compatibleRow({
  provider: "llamacpp",
  model: MODEL,
  displayName: "llama.cpp server",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions", embeddings: "/v1/embeddings" },
    auth: "none",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    rules: (_operation, body) => (body.n !== undefined ? ["llama.cpp server does not support `n`"] : []),
    reasoning: "reasoning_content",
    errorBody: (status, message) => ({
      error: { code: status, message, type: status >= 500 ? "server_error" : "invalid_request_error" },
    }),
  },
  config: (url) => ({ llamacpp_api_base: `${url}/v1` }),
  headers: {},
  absentHeaders: ["authorization"],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 1,
  chatBody: (intent) => openAIShapedChat(intent, MODEL, { oneCandidate: true }),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL, { oneCandidate: true }),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { mirostat: 2, cache_prompt: true }, embeddings: {} },
  inBandError: {
    data: { error: { code: 500, message: "Context shift disabled", type: "server_error" } },
    message: "Context shift disabled",
    code: "500",
  },
  codedError: {
    status: 400,
    body: {
      error: {
        code: 400,
        message: "the request exceeds the available context size",
        type: "exceed_context_size_error",
      },
    },
    code: "400",
    type: "exceed_context_size_error",
  },
});
