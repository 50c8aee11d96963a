import { openaiCompatible } from "./openai-compatible.js";

/**
 * DeepSeek (https://api-docs.deepseek.com/api/create-chat-completion): chat only (its completions endpoint is a
 * beta fill-in-the-middle API, not OpenAI's), one candidate, reasoning in `reasoning_content` (OpenAI clients'
 * own field for it here), and `: keep-alive` comments in streams while a request waits.
 */
export const deepseekProvider = openaiCompatible({
  name: "deepseek",
  displayName: "DeepSeek",
  docs: "https://api-docs.deepseek.com/api/create-chat-completion",
  config: {
    baseUrl: { key: "deepseek_api_base", default: "https://api.deepseek.com" },
    apiKey: { key: "deepseek_api_key", required: true },
  },
  chat: {
    path: "chat/completions",
    // https://api-docs.deepseek.com/guides/thinking_mode: thinking is on by default; the effort takes these.
    request: { maxCandidates: 1, reasoningEfforts: ["low", "high", "max"] },
  },
  completions: "through-chat",
});
