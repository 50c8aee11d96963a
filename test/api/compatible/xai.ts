import { type CompatibleRow, compatibleRow, openAIShapedChat } from "./compatible-row.js";

/**
 * xAI (https://docs.x.ai/docs/api-reference#chat-completions): no public spec, so OpenAI's; errors as
 * `{"code": "<description>", "error": "<message>"}`.
 */
const KEY = "xai-test-key-0123456789";
const MODEL = "grok-3-mini";

export const xaiRow: CompatibleRow = compatibleRow({
  provider: "xai",
  model: MODEL,
  displayName: "xAI",
  profile: {
    paths: { chat: "/v1/chat/completions" },
    auth: "required",
    spec: { provider: "openai", chat: "CreateChatCompletionRequest" },
    reasoning: "reasoning_content",
    errorBody: (_status, message, code) => ({
      code: code ?? "Client specified an invalid argument",
      error: message,
    }),
  },
  config: (url) => ({ xai_api_key: KEY, xai_api_base: `${url}/v1` }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: {
    chat: true,
    completions: true,
    embeddings: "xAI has no generally available embedding model (https://docs.x.ai/docs/models)",
  },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  // xAI's Live Search setting (https://docs.x.ai/docs/guides/live-search); `reasoning_effort` is no longer passed
  // through as it is: it is the reasoning request, which the mock answers with thinking.
  passThrough: { chat: { search_parameters: { mode: "off" } }, embeddings: {} },
  inBandError: {
    data: { error: { message: "The model is overloaded", type: "server_error", code: null } },
    message: "The model is overloaded",
  },
  codedError: {
    status: 400,
    body: {
      code: "Client specified an invalid argument",
      error: "Argument not supported on this model: presencePenalty",
    },
    code: "Client specified an invalid argument",
  },
});
