import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * LM Studio's OpenAI-compatible server (https://lmstudio.ai/docs/app/api/endpoints/openai): OpenAI's shape, no
 * credentials, a string `prompt`, reasoning in `reasoning_content`, errors as `{"error": "<message>"}`.
 */
const MODEL = "qwen2.5-7b-instruct";

export const lmstudioRow: CompatibleRow = compatibleRow({
  provider: "lmstudio",
  model: MODEL,
  displayName: "LM Studio",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions", embeddings: "/v1/embeddings" },
    auth: "none",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    rules: (operation, body) =>
      operation === "completions" && typeof body.prompt !== "string" ? ["`prompt` must be a string"] : [],
    reasoning: "reasoning_content",
    errorBody: (_status, message) => ({ error: message }),
  },
  config: (url) => ({ lmstudio_api_base: `${url}/v1` }),
  headers: {},
  absentHeaders: ["authorization"],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { ttl: 300 }, embeddings: {} },
  inBandError: {
    data: { error: { message: "Model unloaded", type: "server_error", code: null } },
    message: "Model unloaded",
  },
  codedError: {
    status: 400,
    body: {
      error: {
        message: "Context length exceeded",
        type: "invalid_request_error",
        param: null,
        code: "context_length_exceeded",
      },
    },
    code: "context_length_exceeded",
    type: "invalid_request_error",
  },
});
