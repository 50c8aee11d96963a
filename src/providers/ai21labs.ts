import { openaiCompatible } from "./openai-compatible.js";

/**
 * AI21 Labs (https://docs.ai21.com/reference/jamba-1-6-api-ref), MLflow's `ai21labs`: the Jamba chat API. The
 * Jurassic-2 completion endpoints MLflow's provider called are retired, so completions go through chat. No
 * `seed` (dropped, like Anthropic's), no log probabilities or logit bias.
 */
export const ai21Provider = openaiCompatible({
  name: "ai21labs",
  aliases: ["ai21"],
  displayName: "AI21Labs",
  docs: "https://docs.ai21.com/reference/jamba-1-6-api-ref",
  config: {
    baseUrl: { key: "ai21labs_api_base", default: "https://api.ai21.com/studio/v1" },
    apiKey: { key: "ai21labs_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    request: {
      rename: { max_completion_tokens: "max_tokens" },
      drop: ["seed", "user", "stream_options"],
      refuse: {
        logprobs: "returns no log probabilities",
        top_logprobs: "returns no log probabilities",
        logit_bias: "has no logit bias",
      },
    },
  },
  completions: "through-chat",
  // Jamba documents no `stream_options`; its last chunk carries the usage.
  stream: { usageOnLastChunk: true },
});
