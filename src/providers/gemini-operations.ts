import {
  type ChatRequest,
  chatRequestFromCompletions,
  completionsResponseFromChat,
} from "../canonical/index.js";
import { encodeGenerateContentRequest } from "../dialects/gemini/generate-content-request.js";
import { decodeGenerateContentResponse } from "../dialects/gemini/generate-content-response.js";
import { createStreamDecoder } from "../dialects/gemini/stream-decoder.js";
import type { GeminiTarget } from "../dialects/gemini/thinking.js";
import { bareModelId } from "./gemini-models.js";
import type { HttpOperation, UpstreamCall } from "./upstream-target.js";

/** The paths of one Gemini model, on the Gemini API or on Vertex AI: built once per target. */
export interface GeminiPaths {
  generate: string;
  /** `:streamGenerateContent?alt=sse`: without `alt=sse` the stream is one JSON array written bit by bit. */
  stream: string;
}

/**
 * Chat and completions over generateContent, shared by the Gemini API and Vertex AI, which speak the same
 * dialect on different URLs with different credentials. Completions go through chat: Gemini has no
 * text-completion endpoint. The stream decoder reports `model` until an event names its `modelVersion`.
 * `origin` is the reasoning origin of the service's thought signatures (the provider's name: the Gemini API and
 * Vertex AI each check only their own).
 */
export function createGeminiOperations(
  paths: GeminiPaths,
  headers: Record<string, string>,
  model: string,
  provider: { name: string; displayName: string },
): { chat: HttpOperation<"chat">; completions: HttpOperation<"completions"> } {
  const target: GeminiTarget = { model: bareModelId(model), origin: provider.name };
  const call = (request: ChatRequest): UpstreamCall => ({
    path: request.stream === true ? paths.stream : paths.generate,
    headers,
    body: JSON.stringify(encodeGenerateContentRequest(request, target)),
  });
  const createDecoder = () => createStreamDecoder(model, target.origin);
  const decode = (body: unknown) => decodeGenerateContentResponse(body, model, target.origin);
  return {
    chat: {
      encodeRequest: call,
      decodeResponse: decode,
      createStreamDecoder: createDecoder,
    },
    completions: {
      encodeRequest: (request) => call(chatRequestFromCompletions(request, provider.displayName)),
      decodeResponse: (body) => completionsResponseFromChat(decode(body)),
      createStreamDecoder: createDecoder,
    },
  };
}
