import { openaiCompatible } from "./openai-compatible.js";

/**
 * vLLM's OpenAI-compatible server (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): no key
 * unless started with `--api-key`; chat, text completions (prompt lists and token ids) and embeddings (pooling
 * models); extra sampling fields (`top_k`, `structured_outputs`, ...) pass through; reasoning in `reasoning`.
 */
export const vllmProvider = openaiCompatible({
  name: "vllm",
  displayName: "vLLM",
  docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
  config: {
    baseUrl: { key: "vllm_api_base" },
    apiKey: { key: "vllm_api_key", required: false },
  },
  chat: {
    path: "chat/completions",
    // https://docs.vllm.ai/en/latest/features/reasoning_outputs.html: passed to reasoning models' chat templates.
    request: { reasoningEfforts: ["low", "medium", "high"] },
  },
  completions: { path: "completions", promptLists: true, tokens: true },
  embeddings: { path: "embeddings", tokens: true, base64: true },
  response: { reasoningField: "reasoning" },
});
