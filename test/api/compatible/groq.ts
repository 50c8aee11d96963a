import { type CompatibleRow, compatibleRow, openAIShapedChat, openAIStyleError } from "./compatible-row.js";

/**
 * Groq (https://console.groq.com/docs/openai): no public spec, so OpenAI's plus Groq's documented refusals
 * (`n` > 1, `logprobs`, `logit_bias`, `messages[].name`), reasoning in `reasoning`, usage in `x_groq.usage`.
 */
const KEY = "gsk_test_0123456789";
const MODEL = "llama-3.3-70b-versatile";

export const groqRow: CompatibleRow = compatibleRow({
  provider: "groq",
  model: MODEL,
  displayName: "Groq",
  profile: {
    paths: { chat: "/openai/v1/chat/completions" },
    auth: "required",
    spec: { provider: "openai", chat: "CreateChatCompletionRequest" },
    rules: (_operation, body) => {
      const refused = ["logprobs", "logit_bias", "top_logprobs", "stream_options"].filter(
        (key) => key in body,
      );
      const named = (Array.isArray(body.messages) ? body.messages : []).some(
        (message) => typeof message === "object" && message !== null && "name" in message,
      );
      return [
        ...refused.map((key) => `property '${key}' is unsupported`),
        ...(typeof body.n === "number" && body.n !== 1 ? ["'n' : number must be at most 1"] : []),
        ...(named ? ["'messages.name' : property 'name' is unsupported"] : []),
      ];
    },
    reasoning: "reasoning",
    streamUsage: "x_groq",
    errorBody: openAIStyleError,
  },
  config: (url) => ({ groq_api_key: KEY, groq_api_base: `${url}/openai/v1` }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: {
    chat: true,
    completions: true,
    embeddings: "Groq has no embeddings API (https://console.groq.com/docs/openai)",
  },
  maxCandidates: 1,
  chatBody: (intent) => openAIShapedChat(intent, MODEL, { oneCandidate: true }),
  passThrough: { chat: { reasoning_format: "parsed", include_reasoning: false }, embeddings: {} },
  inBandError: {
    data: {
      error: { message: "Rate limit reached for tokens", type: "tokens", code: "rate_limit_exceeded" },
    },
    message: "Rate limit reached for tokens",
    code: "rate_limit_exceeded",
  },
  codedError: {
    status: 413,
    body: { error: { message: "Request too large for model", type: "tokens", code: "rate_limit_exceeded" } },
    code: "rate_limit_exceeded",
    type: "tokens",
  },
});
