import { openaiCompatible } from "./openai-compatible.js";

/**
 * Groq (https://console.groq.com/docs/openai): chat only (no text completions, no embeddings), one candidate,
 * 400 for `logprobs`, `logit_bias`, `top_logprobs` and `messages[].name`; reasoning in `message.reasoning`, stream
 * usage in `x_groq.usage` on the last chunk.
 */
export const groqProvider = openaiCompatible({
  name: "groq",
  displayName: "Groq",
  docs: "https://console.groq.com/docs/openai",
  config: {
    baseUrl: { key: "groq_api_base", default: "https://api.groq.com/openai/v1" },
    apiKey: { key: "groq_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    request: {
      // https://console.groq.com/docs/reasoning: gpt-oss models take these; the others refuse them.
      reasoningEfforts: ["low", "medium", "high"],
      reasoningModels: /gpt-oss/,
      refuse: {
        logprobs: "returns no log probabilities",
        top_logprobs: "returns no log probabilities",
        logit_bias: "has no logit bias",
      },
      // Usage comes in `x_groq.usage` on the last chunk, whatever the client asks.
      drop: ["stream_options"],
      dropMessageFields: ["name"],
      maxCandidates: 1,
    },
  },
  completions: "through-chat",
  response: { reasoningField: "reasoning" },
  stream: { usageOnLastChunk: true },
});
