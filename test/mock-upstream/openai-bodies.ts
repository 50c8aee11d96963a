import {
  completeMockChat,
  countWords,
  embeddingFor,
  MOCK_CREATED_S,
  type MockChat,
  type MockChatInput,
  splitPieces,
  splitWords,
} from "./echo-rules.js";
import { sseFrame } from "./sse-frame.js";

/** OpenAI wire bodies, built from provider-neutral inputs. Exported so tests can script modified answers. */

const DEFAULTS = { id: "chatcmpl-mock", model: "gpt-4o-mini" };
const SYSTEM_FINGERPRINT = "fp_mock";

export interface OpenAIChatOptions extends MockChatInput {
  /** Number of identical choices; default 1. */
  n?: number;
}

/** The usage object; with the breakdown (as reasoning models report it) when the model reasoned. */
function usage(prompt: number, completion: number, reasoning?: number) {
  const counts = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (reasoning === undefined) return counts;
  return {
    ...counts,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

function reasoningOf(chat: MockChat, n: number): number | undefined {
  return chat.thinking === undefined ? undefined : n * chat.reasoningTokens;
}

function finishReason(chat: MockChat): "stop" | "tool_calls" {
  return chat.toolCall === undefined ? "stop" : "tool_calls";
}

/** A `chat.completion` body (CreateChatCompletionResponse). */
export function openAIChatCompletion(options: OpenAIChatOptions = {}) {
  const chat = completeMockChat(options, DEFAULTS);
  const n = options.n ?? 1;
  const message = {
    role: "assistant",
    content: chat.text ?? null,
    refusal: null,
    ...(chat.toolCall && {
      tool_calls: [
        {
          id: chat.toolCall.id,
          type: "function",
          function: { name: chat.toolCall.name, arguments: chat.toolCall.argumentsJson },
        },
      ],
    }),
  };
  return {
    id: chat.id,
    object: "chat.completion",
    created: MOCK_CREATED_S,
    model: chat.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: Array.from({ length: n }, (_, index) => ({
      index,
      message,
      logprobs: null,
      finish_reason: finishReason(chat),
    })),
    usage: usage(chat.inputTokens, n * chat.outputTokens, reasoningOf(chat, n)),
  };
}

export interface OpenAIStreamOptions extends OpenAIChatOptions {
  /** As `stream_options.include_usage`: `usage: null` on every chunk, then a final chunk with the usage. */
  includeUsage?: boolean;
}

/**
 * The `chat.completion.chunk` objects of a stream: per choice a role chunk, the content word by word (or
 * the tool call header, then its arguments in pieces), a finish chunk; then the usage chunk (empty
 * `choices`) when includeUsage.
 */
export function openAIChatChunks(options: OpenAIStreamOptions = {}) {
  const chat = completeMockChat(options, DEFAULTS);
  const n = options.n ?? 1;
  const base = {
    id: chat.id,
    object: "chat.completion.chunk",
    created: MOCK_CREATED_S,
    model: chat.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(options.includeUsage && { usage: null }),
  };
  const chunk = (index: number, delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
  });
  const chunks: Record<string, unknown>[] = [];
  for (let index = 0; index < n; index++) {
    const { toolCall } = chat;
    if (toolCall === undefined) {
      chunks.push(chunk(index, { role: "assistant", content: "", refusal: null }));
      for (const word of splitWords(chat.text ?? "")) chunks.push(chunk(index, { content: word }));
    } else {
      const header = {
        index: 0,
        id: toolCall.id,
        type: "function",
        function: { name: toolCall.name, arguments: "" },
      };
      chunks.push(chunk(index, { role: "assistant", content: null, tool_calls: [header], refusal: null }));
      for (const piece of splitPieces(toolCall.argumentsJson)) {
        chunks.push(chunk(index, { tool_calls: [{ index: 0, function: { arguments: piece } }] }));
      }
    }
    chunks.push(chunk(index, {}, finishReason(chat)));
  }
  if (options.includeUsage)
    chunks.push({
      ...base,
      choices: [],
      usage: usage(chat.inputTokens, n * chat.outputTokens, reasoningOf(chat, n)),
    });
  return chunks;
}

/** The SSE frames of a chat stream: `data: {chunk}\n\n` per chunk, then `data: [DONE]\n\n`. */
export function openAIChatStreamFrames(options: OpenAIStreamOptions = {}): string[] {
  return [...openAIChatChunks(options).map((chunk) => sseFrame(chunk)), sseFrame("[DONE]")];
}

export interface OpenAICompletionOptions {
  id?: string;
  model?: string;
  text?: string;
  promptTokens?: number;
  n?: number;
}

/** A legacy `text_completion` body (CreateCompletionResponse). */
export function openAICompletion(options: OpenAICompletionOptions = {}) {
  const text = options.text ?? "Hello!";
  const n = options.n ?? 1;
  return {
    id: options.id ?? "cmpl-mock",
    object: "text_completion",
    created: MOCK_CREATED_S,
    model: options.model ?? "gpt-3.5-turbo-instruct",
    choices: Array.from({ length: n }, (_, index) => ({
      index,
      text,
      logprobs: null,
      finish_reason: "stop",
    })),
    usage: usage(options.promptTokens ?? 0, n * countWords(text)),
  };
}

/** The chunks of a legacy completions stream: the text word by word, then an empty finishing chunk, then
 * the usage chunk when includeUsage. Only the finishing chunk fits CreateCompletionResponse: the spec has
 * no separate chunk schema and does not allow the `finish_reason: null` the stream really sends. */
export function openAICompletionChunks(options: OpenAICompletionOptions & { includeUsage?: boolean } = {}) {
  const body = openAICompletion({ ...options, n: 1 });
  const { usage: totals, choices: _choices, ...base } = body;
  const choice = (text: string, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
  });
  const chunks: Record<string, unknown>[] = splitWords(options.text ?? "Hello!").map((word) =>
    choice(word, null),
  );
  chunks.push(choice("", "stop"));
  if (options.includeUsage) chunks.push({ ...base, choices: [], usage: totals });
  return chunks;
}

export function openAICompletionStreamFrames(
  options: OpenAICompletionOptions & { includeUsage?: boolean } = {},
) {
  return [...openAICompletionChunks(options).map((chunk) => sseFrame(chunk)), sseFrame("[DONE]")];
}

/** An embeddings list (CreateEmbeddingResponse), one embeddingFor(text) per input, in order; with
 * `encodingFormat` "base64" each vector is base64 of its little-endian float32 values, as the API sends it. */
export function openAIEmbeddings(
  texts: string[],
  model = "text-embedding-3-small",
  encodingFormat: "float" | "base64" = "float",
) {
  const tokens = texts.reduce((sum, text) => sum + countWords(text), 0);
  const encode = (vector: number[]) =>
    encodingFormat === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
  return {
    object: "list",
    data: texts.map((text, index) => ({ object: "embedding", index, embedding: encode(embeddingFor(text)) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** The model list the mock serves on GET /v1/models (ListModelsResponse). */
export function openAIModelList() {
  const model = (id: string) => ({ id, object: "model", created: MOCK_CREATED_S, owned_by: "openai" });
  return { object: "list", data: [model("gpt-4o-mini"), model("text-embedding-3-small")] };
}

/** An OpenAI error body (ErrorResponse): all four keys present, param and code may be null. */
export function openAIError(message: string, type = "invalid_request_error", code: string | null = null) {
  return { error: { message, type, param: null, code } };
}
