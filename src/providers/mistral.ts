import { openaiCompatible } from "./openai-compatible.js";

/**
 * Mistral (https://docs.mistral.ai/api/): OpenAI's shape with a strict schema (`additionalProperties: false`,
 * any unknown field is a 422 `extra_forbidden`), `random_seed` for `seed`, no `developer` role, tool-call ids of
 * nine letters or digits, a temperature range of 0..1.5, usage on the last chunk without `stream_options`, and
 * text completions only as fill-in-the-middle (not OpenAI's completions), so completions go through chat.
 * The accepted fields are the spec's `ChatCompletionRequest` and `EmbeddingRequest` properties.
 */
export const mistralProvider = openaiCompatible({
  name: "mistral",
  displayName: "Mistral",
  docs: "https://docs.mistral.ai/api/",
  config: {
    baseUrl: { key: "mistral_api_base", default: "https://api.mistral.ai/v1" },
    apiKey: { key: "mistral_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    request: {
      rename: { seed: "random_seed", max_completion_tokens: "max_tokens" },
      drop: ["user", "store", "stream_options"],
      refuse: {
        logprobs: "returns no log probabilities",
        top_logprobs: "returns no log probabilities",
        logit_bias: "has no logit bias",
      },
      allow: [
        "temperature",
        "top_p",
        "max_tokens",
        "stream",
        "stop",
        "random_seed",
        "metadata",
        "messages",
        "response_format",
        "tools",
        "tool_choice",
        "presence_penalty",
        "frequency_penalty",
        "n",
        "prediction",
        "parallel_tool_calls",
        "reasoning_effort",
        "prompt_mode",
        "guardrails",
        "prompt_cache_key",
        "service_tier",
        "safe_prompt",
      ],
      // The spec's ReasoningEffort.
      reasoningEfforts: ["none", "minimal", "low", "medium", "high", "xhigh"],
      roles: { developer: "system" },
      // Mistral's message schemas allow no other fields (`additionalProperties: false`).
      dropMessageFields: ["name", "reasoning_content", "refusal", "annotations", "audio"],
      temperatureScale: 1.5 / 2,
      toolCallIds: "nine-alphanumeric",
    },
  },
  completions: "through-chat",
  embeddings: {
    path: "embeddings",
    tokens: false,
    base64: true,
    request: {
      rename: { dimensions: "output_dimension" },
      drop: ["user"],
      allow: ["input", "metadata", "output_dimension", "output_dtype", "encoding_format"],
    },
  },
  response: { finishReasons: { model_length: "length" }, contentParts: true },
  stream: { usageOnLastChunk: true },
});
