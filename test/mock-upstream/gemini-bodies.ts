import {
  completeMockChat,
  countWords,
  embeddingFor,
  type MockChat,
  type MockChatInput,
  splitWords,
} from "./echo-rules.js";

/**
 * Gemini wire bodies (https://ai.google.dev/api/generate-content), built from provider-neutral inputs, for the
 * Gemini API and Vertex AI alike. A function call carries no id, as on most Gemini models.
 */

const DEFAULTS = { id: "gemini-mock", model: "gemini-2.5-flash" };

/**
 * A thinking answer (https://ai.google.dev/gemini-api/docs/thinking#summaries) starts with its thought summary
 * (`thought: true`); the thought signature sits on the function call, or on the last text part of an answer
 * without one (https://ai.google.dev/gemini-api/docs/thought-signatures).
 */
function parts(chat: MockChat, signature?: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (chat.thinking !== undefined) out.push({ text: chat.thinking, thought: true });
  if (chat.text !== undefined) out.push({ text: chat.text });
  if (chat.toolCall !== undefined) {
    const { id, name, argumentsJson } = chat.toolCall;
    // Most Gemini models give calls no id; a scripted call may have one, which Gemini then sends.
    out.push({
      functionCall: { name, args: JSON.parse(argumentsJson) as unknown, ...(id !== "" && { id }) },
    });
  }
  const last = out.at(-1);
  if (signature !== undefined && last !== undefined && last.thought !== true)
    last.thoughtSignature = signature;
  return out;
}

/** Thinking tokens are reported apart from the candidates' (`thoughtsTokenCount`), and billed as output. */
function usageMetadata(chat: MockChat, candidates: number, outputSoFar = chat.outputTokens) {
  const thoughts = chat.thinking === undefined ? 0 : Math.min(chat.reasoningTokens, outputSoFar);
  return {
    promptTokenCount: chat.inputTokens,
    candidatesTokenCount: (outputSoFar - thoughts) * candidates,
    ...(thoughts > 0 && { thoughtsTokenCount: thoughts * candidates }),
    totalTokenCount: chat.inputTokens + outputSoFar * candidates,
  };
}

/** A GenerateContentResponse with `candidates` identical candidates; `signature` for a thinking answer. */
export function generateContentResponse(input: MockChatInput = {}, candidates = 1, signature?: string) {
  const chat = completeMockChat(input, DEFAULTS);
  return {
    candidates: Array.from({ length: candidates }, (_, index) => ({
      content: { role: "model", parts: parts(chat, signature) },
      finishReason: "STOP",
      index,
    })),
    usageMetadata: usageMetadata(chat, candidates),
    modelVersion: chat.model,
    responseId: chat.id,
  };
}

/**
 * The events of a `streamGenerateContent?alt=sse` answer: text word by word, a function call whole in one
 * event (Gemini does not split arguments), the last event with the finish reason. Every event repeats the
 * running usage totals, and there is no end marker. A thinking answer's thought comes first, in its own event;
 * its signature comes on the function call, or on an empty text part of its own at the end.
 */
export function geminiStreamEvents(
  input: MockChatInput = {},
  candidates = 1,
  signature?: string,
): Record<string, unknown>[] {
  const chat = completeMockChat(input, DEFAULTS);
  const pieces: Record<string, unknown>[][] = splitWords(chat.text ?? "").map((word) => [{ text: word }]);
  if (chat.text === undefined) pieces.length = 0;
  if (chat.thinking !== undefined) pieces.unshift([{ text: chat.thinking, thought: true }]);
  if (chat.toolCall !== undefined)
    pieces.push(parts({ ...chat, text: undefined, thinking: undefined }, signature));
  else if (signature !== undefined) pieces.push([{ text: "", thoughtSignature: signature }]);
  let outputSoFar = 0;
  return pieces.map((partsOfEvent, position) => {
    const last = position === pieces.length - 1;
    outputSoFar = last ? chat.outputTokens : Math.min(chat.outputTokens, position + 1);
    return {
      candidates: Array.from({ length: candidates }, (_, index) => ({
        content: { role: "model", parts: partsOfEvent },
        ...(last && { finishReason: "STOP" }),
        index,
      })),
      usageMetadata: usageMetadata(chat, candidates, outputSoFar),
      modelVersion: chat.model,
      responseId: chat.id,
    };
  });
}

/** SSE with CRLF line ends, as Google's servers send it. */
export function geminiSseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

export function geminiStreamFrames(input: MockChatInput = {}, candidates = 1, signature?: string): string[] {
  return geminiStreamEvents(input, candidates, signature).map(geminiSseFrame);
}

/** Google's error envelope (https://cloud.google.com/apis/design/errors). */
export function googleError(code: number, message: string, status: string, details: unknown[] = []) {
  return { error: { code, message, status, ...(details.length > 0 && { details }) } };
}

/** The RPC status Google pairs with an HTTP status. */
export function googleStatusOf(code: number): string {
  const statuses: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
  };
  return statuses[code] ?? "UNKNOWN";
}

export function batchEmbedResponse(texts: string[]) {
  return { embeddings: texts.map((text) => ({ values: embeddingFor(text) })) };
}

export function vertexPredictResponse(texts: string[]) {
  return {
    predictions: texts.map((text) => ({
      embeddings: {
        values: embeddingFor(text),
        statistics: { token_count: countWords(text), truncated: false },
      },
    })),
    metadata: { billableCharacterCount: texts.join("").length },
  };
}
