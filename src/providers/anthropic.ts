import { z } from "zod";
import {
  type ChatRequest,
  chatRequestFromCompletions,
  completionsResponseFromChat,
} from "../canonical/index.js";
import { encodeChatRequest } from "../dialects/anthropic/chat-request.js";
import { decodeChatResponse } from "../dialects/anthropic/chat-response.js";
import { decodeErrorMessage } from "../dialects/anthropic/error-message.js";
import { ANTHROPIC_ERROR_SIGNALS } from "../dialects/anthropic/error-signals.js";
import { createStreamDecoder } from "../dialects/anthropic/stream-decoder.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { HttpUpstreamTarget, UpstreamCall } from "./upstream-target.js";

const DEFAULT_API_BASE = "https://api.anthropic.com/v1";

/**
 * `model.config` of the anthropic provider. Requests go to the Messages API
 * (https://docs.anthropic.com/en/api/messages); completions are served through it, as Anthropic's legacy Text
 * Completions API is deprecated.
 */
const configSchema = z
  .object({
    anthropic_api_key: z.string().min(1),
    anthropic_api_base: httpUrlSchema.default(DEFAULT_API_BASE),
    /** Sent as `anthropic-version` (https://docs.anthropic.com/en/api/versioning). */
    anthropic_version: z.string().min(1).default("2023-06-01"),
    /**
     * The Messages API requires `max_tokens`, while most clients leave it out: this is sent then. 4096 is within
     * the output limit of every current Claude model (https://docs.anthropic.com/en/docs/about-claude/models),
     * so the default never makes a request fail, and long enough for ordinary answers.
     */
    default_max_tokens: z.number().int().min(1).default(4096),
  })
  .strict();

type AnthropicConfig = z.infer<typeof configSchema>;

export const anthropicProvider = defineProvider<AnthropicConfig>({
  name: "anthropic",
  displayName: "Anthropic",
  operations: ["chat", "completions"],
  configSchema,
  secretFields: ["anthropic_api_key"],
  createTarget: createAnthropicTarget,
});

function createAnthropicTarget(model: string, config: AnthropicConfig): HttpUpstreamTarget {
  const base = parseBaseUrl(config.anthropic_api_base);
  const path = joinPath(base, "messages");
  const headers: Record<string, string> = {
    "x-api-key": config.anthropic_api_key,
    "anthropic-version": config.anthropic_version,
    "content-type": "application/json",
  };
  const call = (request: ChatRequest): UpstreamCall => ({
    path,
    headers,
    body: JSON.stringify(encodeChatRequest(request, model, config.default_max_tokens)),
  });

  return {
    transport: "http",
    providerName: "anthropic",
    providerDisplayName: "Anthropic",
    model,
    origin: base.origin,
    decodeErrorMessage,
    errorSignals: ANTHROPIC_ERROR_SIGNALS,
    // A last assistant message is continued, not answered ("Prefill Claude's response",
    // https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/prefill-claudes-response).
    acceptsPrefill: true,
    operations: {
      chat: {
        encodeRequest: call,
        decodeResponse: (body) => decodeChatResponse(body),
        createStreamDecoder,
      },
      completions: {
        encodeRequest: (request) => call(chatRequestFromCompletions(request, "Anthropic")),
        decodeResponse: (body) => completionsResponseFromChat(decodeChatResponse(body)),
        createStreamDecoder,
      },
    },
  };
}
