import { z } from "zod";
import { chatRequestFromCompletions, completionsResponseFromChat } from "../canonical/index.js";
import { encodeChatRequest } from "../dialects/cohere/chat-request.js";
import { decodeChatResponse } from "../dialects/cohere/chat-response.js";
import {
  decodeEmbeddingsResponse,
  EMBED_INPUT_TYPES,
  encodeEmbeddingsRequest,
} from "../dialects/cohere/embeddings.js";
import { decodeErrorMessage } from "../dialects/cohere/error-message.js";
import { COHERE_ERROR_SIGNALS } from "../dialects/cohere/error-signals.js";
import { createStreamDecoder } from "../dialects/cohere/stream-decoder.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { HttpUpstreamTarget, UpstreamCall } from "./upstream-target.js";

const DEFAULT_API_BASE = "https://api.cohere.com";

/**
 * `model.config` of the cohere provider, on Cohere's v2 API (https://docs.cohere.com/v2/reference/about).
 * `embedding_input_type` is the `input_type` v2 embed requires when a request does not choose one itself.
 */
const configSchema = z
  .object({
    cohere_api_key: z.string().min(1),
    cohere_api_base: httpUrlSchema.default(DEFAULT_API_BASE),
    embedding_input_type: z
      .enum(EMBED_INPUT_TYPES, { error: `must be one of: ${EMBED_INPUT_TYPES.join(", ")}` })
      .default("search_document"),
  })
  .strict();

type CohereConfig = z.infer<typeof configSchema>;

export const cohereProvider = defineProvider<CohereConfig>({
  name: "cohere",
  displayName: "Cohere",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: ["cohere_api_key"],
  createTarget: createCohereTarget,
});

function createCohereTarget(model: string, config: CohereConfig): HttpUpstreamTarget {
  const base = parseBaseUrl(config.cohere_api_base);
  const headers: Record<string, string> = {
    authorization: `Bearer ${config.cohere_api_key}`,
    "content-type": "application/json",
    accept: "application/json",
  };
  // A streamed answer is an SSE body, so a streaming call asks for that instead.
  const streamHeaders: Record<string, string> = { ...headers, accept: "text/event-stream" };
  // Paths are built once per target, not per request.
  const paths = { "v2/chat": joinPath(base, "v2/chat"), "v2/embed": joinPath(base, "v2/embed") };
  const call = (endpoint: keyof typeof paths, body: unknown, stream = false): UpstreamCall => ({
    path: paths[endpoint],
    headers: stream ? streamHeaders : headers,
    body: JSON.stringify(body),
  });

  return {
    transport: "http",
    providerName: "cohere",
    providerDisplayName: "Cohere",
    model,
    origin: base.origin,
    features: ["reasoning", "top_k"],
    decodeErrorMessage,
    errorSignals: COHERE_ERROR_SIGNALS,
    operations: {
      chat: {
        encodeRequest: (request) =>
          call("v2/chat", encodeChatRequest(request, model), request.stream === true),
        decodeResponse: (body) => decodeChatResponse(body, model),
        createStreamDecoder: () => createStreamDecoder(model),
      },
      // Cohere's text-generation endpoint (/v1/generate) is legacy; completions are served through v2 chat.
      completions: {
        encodeRequest: (request) =>
          call(
            "v2/chat",
            encodeChatRequest(chatRequestFromCompletions(request, "Cohere"), model),
            request.stream === true,
          ),
        decodeResponse: (body) => completionsResponseFromChat(decodeChatResponse(body, model)),
        createStreamDecoder: () => createStreamDecoder(model),
      },
      embeddings: {
        encodeRequest: (request) =>
          call("v2/embed", encodeEmbeddingsRequest(request, model, config.embedding_input_type)),
        decodeResponse: (body) => decodeEmbeddingsResponse(body, model),
      },
    },
  };
}
