import { type CompatibleRow, compatibleRow, openAIShapedChat, openAIStyleError } from "./compatible-row.js";

/**
 * DeepSeek (https://api-docs.deepseek.com/api/create-chat-completion): no public spec, so OpenAI's; one
 * candidate, reasoning in `reasoning_content`, `: keep-alive` comments before a stream's first chunk.
 */
const KEY = "sk-deepseek-test-0123456789";
const MODEL = "deepseek-chat";

export const deepseekRow: CompatibleRow = compatibleRow({
  provider: "deepseek",
  model: MODEL,
  displayName: "DeepSeek",
  profile: {
    paths: { chat: "/chat/completions" },
    auth: "required",
    spec: { provider: "openai", chat: "CreateChatCompletionRequest" },
    rules: (_operation, body) => (body.n !== undefined ? ["DeepSeek documents no `n`"] : []),
    reasoning: "reasoning_content",
    // https://api-docs.deepseek.com/quick_start/rate_limit: keep-alive comments while a request waits.
    framing: { leadingComments: ["keep-alive", "keep-alive"] },
    errorBody: openAIStyleError,
  },
  config: (url) => ({ deepseek_api_key: KEY, deepseek_api_base: url }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: {
    chat: true,
    completions: true,
    embeddings: "DeepSeek has no embeddings API (https://api-docs.deepseek.com/)",
  },
  maxCandidates: 1,
  chatBody: (intent) => openAIShapedChat(intent, MODEL, { oneCandidate: true }),
  passThrough: { chat: { frequency_penalty: 0.5 }, embeddings: {} },
  inBandError: {
    data: { error: { message: "Server busy", type: "server_error", param: null, code: null } },
    message: "Server busy",
  },
  codedError: {
    status: 402,
    body: {
      error: {
        message: "Insufficient Balance",
        type: "unknown_error",
        param: null,
        code: "invalid_request_error",
      },
    },
    code: "invalid_request_error",
    type: "unknown_error",
  },
});
