import { openaiCompatible } from "./openai-compatible.js";

/**
 * LM Studio's OpenAI-compatible server (https://lmstudio.ai/docs/app/api/endpoints/openai): no key unless one is
 * set; chat, text completions (one string prompt) and embeddings; reasoning in `reasoning_content`.
 */
export const lmstudioProvider = openaiCompatible({
  name: "lmstudio",
  aliases: ["lm-studio"],
  displayName: "LM Studio",
  docs: "https://lmstudio.ai/docs/app/api/endpoints/openai",
  config: {
    baseUrl: { key: "lmstudio_api_base", default: "http://localhost:1234/v1" },
    apiKey: { key: "lmstudio_api_key", required: false },
  },
  chat: { path: "chat/completions" },
  completions: { path: "completions", promptLists: false, tokens: false, request: { promptShape: "string" } },
  embeddings: { path: "embeddings", tokens: false, base64: false },
});
