import type { JsonRecord } from "../../mock-upstream/json-narrowing.js";
import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * OpenRouter (https://openrouter.ai/docs/api-reference/chat-completion), against its own spec: `: OPENROUTER
 * PROCESSING` comments before a stream's first chunk, in-band error chunks, `{"error": {"code": <int>, ...}}`
 * errors, reasoning in `reasoning`, answers that carry `system_fingerprint`.
 */
const KEY = "sk-or-test-0123456789";
const MODEL = "openai/gpt-4o-mini";

/** The spec's ChatResult allows no `refusal` or `logprobs` keys it does not list; it requires the fingerprint. */
function openRouterShaped(body: JsonRecord): JsonRecord {
  return { ...body, system_fingerprint: body.system_fingerprint ?? null };
}

export const openrouterRow: CompatibleRow = compatibleRow({
  provider: "openrouter",
  model: MODEL,
  displayName: "OpenRouter",
  profile: {
    paths: { chat: "/api/v1/chat/completions", embeddings: "/api/v1/embeddings" },
    auth: "required",
    spec: { provider: "openrouter", chat: "ChatRequest", embeddings: "EmbeddingsRequest" },
    reasoning: "reasoning",
    chatBody: openRouterShaped,
    framing: { leadingComments: ["OPENROUTER PROCESSING"] },
    errorBody: (status, message) => ({
      error: { code: status, message, metadata: { provider_name: "Mock" } },
    }),
  },
  config: (url) => ({
    openrouter_api_key: KEY,
    openrouter_api_base: `${url}/api/v1`,
    openrouter_site_url: "https://switchyard.test",
    openrouter_app_name: "Switchyard tests",
  }),
  headers: {
    authorization: `Bearer ${KEY}`,
    "http-referer": "https://switchyard.test",
    "x-title": "Switchyard tests",
  },
  absentHeaders: [],
  serves: {
    chat: true,
    completions: true,
    embeddings: true,
  },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, MODEL),
  passThrough: {
    chat: { provider: { order: ["openai"] }, transforms: [] },
    embeddings: { input_type: "search_query" },
  },
  inBandError: {
    data: {
      id: "gen-1",
      object: "chat.completion.chunk",
      created: 1,
      model: MODEL,
      choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
      error: {
        code: 502,
        message: "Provider returned error",
        metadata: { error_type: "provider_unavailable" },
      },
    },
    message: "Provider returned error",
    code: "502",
  },
  codedError: {
    status: 402,
    body: { error: { code: 402, message: "Insufficient credits", metadata: {} } },
    code: "402",
  },
});
