import { openaiCompatible } from "./openai-compatible.js";

/**
 * xAI (https://docs.x.ai/docs/api-reference#chat-completions): chat only (its legacy completions endpoint is
 * deprecated, and it has no generally available embedding model). Reasoning models refuse some sampling fields;
 * xAI's own 400 says which, and reaches the client with its message.
 */
export const xaiProvider = openaiCompatible({
  name: "xai",
  displayName: "xAI",
  docs: "https://docs.x.ai/docs/api-reference#chat-completions",
  config: {
    baseUrl: { key: "xai_api_base", default: "https://api.x.ai/v1" },
    apiKey: { key: "xai_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    // https://docs.x.ai/docs/guides/reasoning: only grok-3-mini takes an effort; grok-4 refuses the field.
    request: { reasoningEfforts: ["low", "high"], reasoningModels: /grok-3-mini/ },
  },
  completions: "through-chat",
});
