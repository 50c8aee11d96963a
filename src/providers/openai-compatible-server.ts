import { openaiCompatible } from "./openai-compatible.js";

/**
 * Any other server that speaks the OpenAI API (https://platform.openai.com/docs/api-reference): `api_base` is
 * required, `api_key` optional. Nothing about it is assumed beyond OpenAI's shape: a completions `prompt` is sent
 * one string at a time, token ids as text, embeddings as floats (the gateway encodes base64 itself), reasoning
 * read from `reasoning` as well as `reasoning_content`, and stream framing normalised.
 */
export const openaiCompatibleServerProvider = openaiCompatible({
  name: "openai-compatible",
  displayName: "OpenAI-compatible server",
  docs: "https://platform.openai.com/docs/api-reference",
  config: {
    baseUrl: { key: "api_base" },
    apiKey: { key: "api_key", required: false },
  },
  chat: {
    path: "chat/completions",
    // OpenAI's values: a server that follows OpenAI's API takes them (one with no reasoning ignores the field).
    request: { reasoningEfforts: ["none", "minimal", "low", "medium", "high", "xhigh"] },
  },
  completions: { path: "completions", promptLists: false, tokens: false, request: { promptShape: "string" } },
  embeddings: { path: "embeddings", tokens: false, base64: false },
  response: { reasoningField: "reasoning" },
  stream: { normaliseFraming: true },
});
