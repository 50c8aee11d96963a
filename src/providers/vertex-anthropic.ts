import {
  type ChatRequest,
  chatRequestFromCompletions,
  completionsResponseFromChat,
} from "../canonical/index.js";
import { encodeChatRequest } from "../dialects/anthropic/chat-request.js";
import { decodeChatResponse } from "../dialects/anthropic/chat-response.js";
import { createStreamDecoder } from "../dialects/anthropic/stream-decoder.js";
import type { HttpOperation, UpstreamCall } from "./upstream-target.js";

/** Vertex's version of the Messages API, sent in the body instead of a header. */
const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/**
 * Claude on Vertex AI (https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude):
 * the Messages API body without `model` (the URL names it) and with `anthropic_version`, sent to `:rawPredict`,
 * or `:streamRawPredict` for an SSE stream in Anthropic's own format. The anthropic dialect does the rest.
 */
export function createVertexAnthropicOperations(
  paths: { generate: string; stream: string },
  headers: Record<string, string>,
  defaultMaxTokens: number,
): { chat: HttpOperation<"chat">; completions: HttpOperation<"completions"> } {
  const call = (request: ChatRequest): UpstreamCall => {
    const { model: _inUrl, ...body } = encodeChatRequest(request, "", defaultMaxTokens);
    return {
      path: request.stream === true ? paths.stream : paths.generate,
      headers,
      body: JSON.stringify({ anthropic_version: VERTEX_ANTHROPIC_VERSION, ...body }),
    };
  };
  return {
    chat: { encodeRequest: call, decodeResponse: (body) => decodeChatResponse(body), createStreamDecoder },
    completions: {
      encodeRequest: (request) => call(chatRequestFromCompletions(request, "Vertex AI")),
      decodeResponse: (body) => completionsResponseFromChat(decodeChatResponse(body)),
      createStreamDecoder,
    },
  };
}
