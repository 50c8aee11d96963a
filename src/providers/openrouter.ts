import { openaiCompatible } from "./openai-compatible.js";

/**
 * OpenRouter (https://openrouter.ai/docs/api-reference/chat-completion): chat and embeddings (no legacy
 * completions), reasoning in `reasoning`, `: OPENROUTER PROCESSING` comments and in-band error chunks in streams,
 * optional attribution headers (https://openrouter.ai/docs/api-reference/overview#headers).
 */
export const openrouterProvider = openaiCompatible({
  name: "openrouter",
  displayName: "OpenRouter",
  docs: "https://openrouter.ai/docs/api-reference/chat-completion",
  config: {
    baseUrl: { key: "openrouter_api_base", default: "https://openrouter.ai/api/v1" },
    apiKey: { key: "openrouter_api_key", required: true },
    headers: { openrouter_site_url: "HTTP-Referer", openrouter_app_name: "X-Title" },
  },
  chat: {
    path: "chat/completions",
    // The spec's ChatRequest.reasoning_effort.
    request: { reasoningEfforts: ["none", "minimal", "low", "medium", "high", "xhigh", "max"] },
  },
  completions: "through-chat",
  embeddings: { path: "embeddings", tokens: true, base64: true },
  response: { reasoningField: "reasoning" },
});
