import { openaiCompatible } from "./openai-compatible.js";

/**
 * Fireworks AI (https://docs.fireworks.ai/api-reference/post-chatcompletions): chat, text completions and
 * embeddings; a non-streamed request may not ask for more than 4096 tokens.
 */
export const fireworksProvider = openaiCompatible({
  name: "fireworks",
  aliases: ["fireworks-ai"],
  displayName: "Fireworks AI",
  docs: "https://docs.fireworks.ai/api-reference/post-chatcompletions",
  config: {
    baseUrl: { key: "fireworks_api_base", default: "https://api.fireworks.ai/inference/v1" },
    apiKey: { key: "fireworks_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    request: {
      drop: ["stream_options"],
      maxTokensWithoutStream: 4096,
      // https://docs.fireworks.ai/guides/reasoning
      reasoningEfforts: ["none", "low", "medium", "high"],
    },
  },
  completions: {
    path: "completions",
    promptLists: false,
    tokens: false,
    request: { drop: ["stream_options"], maxTokensWithoutStream: 4096, promptShape: "string" },
  },
  embeddings: { path: "embeddings", tokens: false, base64: false },
  response: { reasoningField: "reasoning" },
  stream: { usageOnLastChunk: true },
});
