import { isRecord, type JsonRecord } from "../../mock-upstream/json-narrowing.js";
import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedEmbeddings,
} from "./compatible-row.js";

/**
 * Mistral (https://docs.mistral.ai/api/), checked against its own spec: strict bodies, `random_seed`, a 0..1.5
 * temperature, nine-character tool-call ids, thinking chunks in `content`, usage on the last chunk unasked, and
 * `{"object": "error", ...}` errors whose 422 message is FastAPI's validation detail.
 */
const KEY = "mistral-test-key-0123456789";
const MODEL = "mistral-small-latest";
const NINE_ALPHANUMERIC = /^[a-zA-Z0-9]{9}$/;

/** Mistral's response schemas allow no fields beyond their own (`additionalProperties: false`). */
function mistralShaped(body: JsonRecord): JsonRecord {
  const { system_fingerprint: _fingerprint, ...rest } = body;
  rest.choices = (Array.isArray(body.choices) ? body.choices : []).map((choice) => {
    if (!isRecord(choice)) return choice;
    const { logprobs: _logprobs, ...kept } = choice;
    for (const key of ["message", "delta"]) {
      const message = kept[key];
      if (isRecord(message)) {
        const { refusal: _refusal, ...fields } = message;
        kept[key] = fields;
      }
    }
    return kept;
  });
  return rest;
}

function toolCallIdViolations(body: JsonRecord): string[] {
  const ids: unknown[] = [];
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(message)) continue;
    if (message.tool_call_id !== undefined) ids.push(message.tool_call_id);
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (isRecord(call)) ids.push(call.id);
    }
  }
  return ids
    .filter((id) => typeof id !== "string" || !NINE_ALPHANUMERIC.test(id))
    .map((id) => `Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`);
}

function errorBody(status: number, message: string, code?: string): unknown {
  if (status === 422) {
    const detail = [{ type: "extra_forbidden", loc: ["body", "unknown_field"], msg: message, input: 1 }];
    return {
      object: "error",
      message: { detail },
      type: "invalid_request_error",
      param: null,
      code: code ?? null,
    };
  }
  return { object: "error", message, type: "invalid_request_error", param: null, code: code ?? null };
}

export const mistralRow: CompatibleRow = compatibleRow({
  provider: "mistral",
  model: MODEL,
  displayName: "Mistral",
  profile: {
    paths: { chat: "/v1/chat/completions", embeddings: "/v1/embeddings" },
    auth: "required",
    spec: { provider: "mistral", chat: "ChatCompletionRequest", embeddings: "EmbeddingRequest" },
    rules: (operation, body) => (operation === "chat" ? toolCallIdViolations(body) : []),
    toolCallId: (sequence) => `call${String(sequence).padStart(5, "0")}`,
    reasoning: "thinking-chunks",
    chatBody: mistralShaped,
    chunk: mistralShaped,
    streamUsage: "last-chunk",
    errorBody,
  },
  config: (url) => ({ mistral_api_key: KEY, mistral_api_base: `${url}/v1` }),
  headers: { authorization: `Bearer ${KEY}` },
  absentHeaders: [],
  serves: { chat: true, completions: true, embeddings: true },
  maxCandidates: 5,
  chatBody: (intent) => openAIShapedChat(intent, MODEL, { temperatureScale: 0.75, seedKey: "random_seed" }),
  embeddingsBody: (intent) => openAIShapedEmbeddings(intent, "mistral-small-latest"),
  passThrough: {
    chat: { safe_prompt: true, prompt_cache_key: "k-1" },
    embeddings: { output_dtype: "float" },
  },
  rewritesToolCallIds: true,
  relayedDifferences: [
    { pattern: /must have required property 'logprobs'/, why: "Mistral sends no `logprobs` in choices" },
    { pattern: /must have required property 'refusal'/, why: "Mistral sends no `refusal` in messages" },
  ],
  lengthLimitedAnswer: {
    kind: "json",
    status: 200,
    // Mistral's own word for hitting the model's limit: the gateway reports it as `length`.
    body: {
      id: "x",
      object: "chat.completion",
      created: 1,
      model: MODEL,
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      choices: [
        { index: 0, message: { role: "assistant", content: "Echo: Tell" }, finish_reason: "model_length" },
      ],
    },
  },
  inBandError: "Mistral documents no in-stream error event (https://docs.mistral.ai/api/)",
  codedError: {
    status: 400,
    body: {
      object: "error",
      message: "Prompt contains 40000 tokens, too large for model.",
      type: "invalid_request_message",
      param: "messages",
      code: "3051",
    },
    code: "3051",
    type: "invalid_request_message",
    param: "messages",
  },
});
