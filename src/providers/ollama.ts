import { openaiCompatible } from "./openai-compatible.js";

/**
 * Ollama's OpenAI-compatible API (https://github.com/ollama/ollama/blob/main/docs/openai.md): no key locally
 * (Ollama's cloud takes a bearer key); one candidate; a completions `prompt` is one string; reasoning in
 * `reasoning`.
 */
export const ollamaProvider = openaiCompatible({
  name: "ollama",
  displayName: "Ollama",
  docs: "https://github.com/ollama/ollama/blob/main/docs/openai.md",
  config: {
    baseUrl: { key: "ollama_api_base", default: "http://localhost:11434/v1" },
    apiKey: { key: "ollama_api_key", required: false },
  },
  chat: {
    path: "chat/completions",
    // https://docs.ollama.com/api/openai-compatibility: `reasoning_effort` turns thinking on.
    request: { maxCandidates: 1, reasoningEfforts: ["none", "low", "medium", "high"] },
  },
  completions: {
    path: "completions",
    promptLists: false,
    tokens: false,
    request: { maxCandidates: 1, promptShape: "string" },
  },
  embeddings: { path: "embeddings", tokens: false, base64: false },
  response: { reasoningField: "reasoning" },
});
