import { type CompatibleRow, compatibleRow, openAIShapedChat } from "./compatible-row.js";

/**
 * AI21 Labs' Jamba chat API (https://docs.ai21.com/reference/jamba-1-6-api-ref), MLflow's `ai21labs`: no public
 * spec, so OpenAI's plus AI21's documented fields (no `seed`); errors as FastAPI's `{"detail": ...}`.
 */
const KEY = "ai21-test-key-0123456789";
const MODEL = "jamba-mini";

export const ai21Row: CompatibleRow = compatibleRow({
  provider: "ai21labs",
  model: MODEL,
  displayName: "AI21Labs",
  profile: {
    paths: { chat: "/studio/v1/chat/completions" },
    auth: "required",
    spec: { provider: "openai", chat: "CreateChatCompletionRequest" },
    rules: (_operation, body) =>
      ["seed", "logprobs", "logit_bias", "stream_options"]
        .filter((key) => key in body)
        .map((key) => `Unsupported parameter: ${key}`),
    reasoning: "reasoning_content",
    streamUsage: "last-chunk",
    errorBody: (_status, message) => ({ detail: message }),
  },
  config: (url) => ({ ai21labs_api_key: KEY, ai21labs_api_base: `${url}/studio/v1` }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: {
    chat: true,
    completions: true,
    embeddings: "AI21's Jamba API has no embeddings (https://docs.ai21.com/reference/jamba-1-6-api-ref)",
  },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL, { seedKey: null }),
  passThrough: { chat: { documents: [{ content: "Some context." }] }, embeddings: {} },
  inBandError: {
    data: { error: { message: "Generation failed", type: "server_error", code: null } },
    message: "Generation failed",
  },
  codedError: {
    status: 422,
    body: { detail: "max_tokens must be at most 4096" },
    code: "upstream_http_error",
  },
});
