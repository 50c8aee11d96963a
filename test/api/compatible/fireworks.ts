import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * Fireworks AI (https://docs.fireworks.ai/api-reference/post-chatcompletions): no public spec, so OpenAI's plus
 * its documented rule that a non-streamed request may not ask for more than 4096 tokens; errors sometimes come from
 * its gateway layer as `{"fault": ...}`.
 */
const KEY = "fw-test-key-0123456789";
const MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct";

export const fireworksRow: CompatibleRow = compatibleRow({
  provider: "fireworks",
  model: MODEL,
  displayName: "Fireworks AI",
  profile: {
    paths: {
      chat: "/inference/v1/chat/completions",
      completions: "/inference/v1/completions",
      embeddings: "/inference/v1/embeddings",
    },
    auth: "required",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    rules: (_operation, body) =>
      typeof body.max_tokens === "number" && body.max_tokens > 4096 && body.stream !== true
        ? ["Requests with max_tokens > 4096 must have stream=true"]
        : [],
    reasoning: "reasoning",
    streamUsage: "last-chunk",
    errorBody: (status, message, code) =>
      status >= 500
        ? {
            fault: {
              faultstring: message,
              detail: { errorcode: code ?? "messaging.adaptors.http.flow.ServiceUnavailable" },
            },
          }
        : { error: { object: "error", type: "invalid_request_error", message, code: code ?? null } },
  },
  config: (url) => ({ fireworks_api_key: KEY, fireworks_api_base: `${url}/inference/v1` }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { top_k: 40, min_p: 0.05 }, embeddings: {} },
  inBandError: {
    data: { error: { object: "error", type: "internal_server_error", message: "Model crashed", code: null } },
    message: "Model crashed",
  },
  codedError: {
    status: 400,
    body: {
      error: {
        object: "error",
        type: "invalid_request_error",
        message: "Prompt too long",
        code: "context_length_exceeded",
      },
    },
    code: "context_length_exceeded",
    type: "invalid_request_error",
  },
});
