import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * vLLM's OpenAI-compatible server (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html), started
 * without `--api-key`: no credentials at all; extra sampling fields pass; reasoning in `reasoning`; errors in
 * OpenAI's envelope with the HTTP status as a number for `code`.
 */
const MODEL = "meta-llama/Llama-3.1-8B-Instruct";

export const vllmRow: CompatibleRow = compatibleRow({
  provider: "vllm",
  model: MODEL,
  displayName: "vLLM",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions", embeddings: "/v1/embeddings" },
    auth: "none",
    spec: {
      provider: "openai",
      chat: "CreateChatCompletionRequest",
      completions: "CreateCompletionRequest",
      embeddings: "CreateEmbeddingRequest",
    },
    reasoning: "reasoning",
    errorBody: (status, message) => ({
      error: {
        message,
        type: status >= 500 ? "InternalServerError" : "BadRequestError",
        param: null,
        code: status,
      },
    }),
  },
  config: (url) => ({ vllm_api_base: `${url}/v1` }),
  headers: {},
  absentHeaders: ["authorization"],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: {
    chat: { top_k: 20, structured_outputs: { choice: ["yes", "no"] } },
    embeddings: { user: "user-1234" },
  },
  inBandError: {
    data: { error: { message: "The engine died", type: "InternalServerError", param: null, code: 500 } },
    message: "The engine died",
    code: "500",
  },
  codedError: {
    status: 400,
    body: {
      error: {
        message: "This model's maximum context length is 8192 tokens.",
        type: "BadRequestError",
        param: "messages",
        code: 400,
      },
    },
    code: "400",
    type: "BadRequestError",
    param: "messages",
  },
});
