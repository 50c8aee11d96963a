import type { JsonRecord } from "../../mock-upstream/json-narrowing.js";
import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
  openAIShapedEmbeddings,
  openAIStyleError,
} from "./compatible-row.js";

/**
 * Together AI (https://docs.together.ai/reference/chat-completions-1), MLflow's `togetherai`, against its own
 * spec: `stop` a list, a string completions `prompt`, answers that carry `prompt: []`, `eos` finish reasons,
 * usage on the last chunk.
 */
const KEY = "together-test-key-0123456789";
const MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo";

/** Together's ChatCompletionResponse requires `prompt`, which it sends as `[]`. */
const withPrompt = (body: JsonRecord): JsonRecord => ({ ...body, prompt: [] });

export const togetherRow: CompatibleRow = compatibleRow({
  provider: "togetherai",
  model: MODEL,
  displayName: "TogetherAI",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions", embeddings: "/v1/embeddings" },
    auth: "required",
    spec: {
      provider: "together",
      chat: "ChatCompletionRequest",
      completions: "CompletionRequest",
      embeddings: "EmbeddingsRequest",
    },
    reasoning: "reasoning",
    chatBody: withPrompt,
    streamUsage: "last-chunk",
    errorBody: openAIStyleError,
  },
  config: (url) => ({ togetherai_api_key: KEY, togetherai_api_base: `${url}/v1` }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  completionsBody: (intent) => openAIShapedCompletion(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: { chat: { top_k: 40, repetition_penalty: 1.1 }, embeddings: {} },
  lengthLimitedAnswer: {
    kind: "json",
    status: 200,
    body: {
      id: "x",
      object: "chat.completion",
      created: 1,
      model: MODEL,
      prompt: [],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      choices: [{ index: 0, message: { role: "assistant", content: "Echo: Tell" }, finish_reason: "length" }],
    },
  },
  inBandError: {
    data: { error: { message: "Service overloaded", type: "server_error", code: null } },
    message: "Service overloaded",
  },
  codedError: {
    status: 400,
    body: {
      error: {
        message: "Input validation error: inputs tokens + max_new_tokens must be <= 8193",
        type: "invalid_request_error",
        param: "max_tokens",
        code: "context_length_exceeded",
      },
    },
    code: "context_length_exceeded",
    type: "invalid_request_error",
    param: "max_tokens",
  },
});
