import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
  openAIStyleError,
} from "./compatible-row.js";

/** Any other OpenAI-compatible server (`provider: openai-compatible`), here one that wants a key. */
const KEY = "local-key-0123456789";
const MODEL = "my-model";

export const openaiCompatibleRow: CompatibleRow = compatibleRow({
  provider: "openai-compatible",
  model: MODEL,
  displayName: "OpenAI-compatible server",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions", embeddings: "/v1/embeddings" },
    auth: "required",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    reasoning: "reasoning",
    errorBody: openAIStyleError,
  },
  config: (url) => ({ api_base: `${url}/v1`, api_key: KEY }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { user: "user-1234" }, embeddings: { user: "user-1234" } },
  inBandError: {
    data: { error: { message: "Overloaded", type: "server_error", param: null, code: null } },
    message: "Overloaded",
  },
  codedError: {
    status: 400,
    body: {
      error: {
        message: "Too long",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    },
    code: "context_length_exceeded",
    type: "invalid_request_error",
    param: "messages",
  },
});
