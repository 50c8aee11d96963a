import { openaiCompatible } from "./openai-compatible.js";

/**
 * llama.cpp's server (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md): no key unless
 * started with `--api-key`; one candidate; chat, text completions and embeddings (with `--embeddings`);
 * reasoning in `reasoning_content`.
 */
export const llamacppProvider = openaiCompatible({
  name: "llamacpp",
  aliases: ["llama.cpp", "llama-cpp"],
  displayName: "llama.cpp server",
  docs: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md",
  config: {
    baseUrl: { key: "llamacpp_api_base", default: "http://localhost:8080/v1" },
    apiKey: { key: "llamacpp_api_key", required: false },
  },
  chat: { path: "chat/completions", request: { maxCandidates: 1 } },
  completions: {
    path: "completions",
    promptLists: false,
    tokens: false,
    request: { maxCandidates: 1, promptShape: "string" },
  },
  embeddings: { path: "embeddings", tokens: false, base64: false },
});
