import { openaiCompatible } from "./openai-compatible.js";

/**
 * Together AI (https://docs.together.ai/reference/chat-completions-1), MLflow's `togetherai`: chat, text
 * completions (a string `prompt`), embeddings; `stop` is a list, `finish_reason` adds `eos`, reasoning models
 * answer in `reasoning`.
 */
export const togetherProvider = openaiCompatible({
  name: "togetherai",
  aliases: ["together"],
  displayName: "TogetherAI",
  docs: "https://docs.together.ai/reference/chat-completions-1",
  config: {
    baseUrl: { key: "togetherai_api_base", default: "https://api.together.xyz/v1" },
    apiKey: { key: "togetherai_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    request: {
      rename: { max_completion_tokens: "max_tokens" },
      // The spec's ChatCompletionRequest.reasoning_effort.
      reasoningEfforts: ["low", "medium", "high"],
      drop: ["stream_options"],
      stopAsList: true,
      indexToolCalls: true,
    },
  },
  completions: {
    path: "completions",
    promptLists: false,
    tokens: false,
    request: { drop: ["stream_options"], stopAsList: true, promptShape: "string" },
  },
  embeddings: { path: "embeddings", tokens: false, base64: false, request: { drop: ["user"] } },
  response: { finishReasons: { eos: "stop" }, reasoningField: "reasoning" },
  stream: { usageOnLastChunk: true },
});
