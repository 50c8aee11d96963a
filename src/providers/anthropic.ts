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
import { relayedMessagesJson } from "../dialects/anthropic/relayed-request.js";
import { createStreamDecoder } from "../dialects/anthropic/stream-decoder.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { ClientHeaders, HttpUpstreamTarget, UpstreamCall } from "./upstream-target.js";

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
  const countTokensPath = joinPath(base, "messages/count_tokens");
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

  /**
   * A relayed Messages request keeps the client's `anthropic-version` (the body is in the version the client
   * speaks) and passes its `anthropic-beta` on (https://docs.anthropic.com/en/api/beta-headers): betas change
   * what the API accepts and returns, and the client asked for exactly those.
   */
  const relayHeaders = (client: ClientHeaders): Record<string, string> => {
    const version = firstValue(client["anthropic-version"]);
    const beta = firstValue(client["anthropic-beta"]);
    if ((version === undefined || version === config.anthropic_version) && beta === undefined) return headers;
    const relayed = { ...headers };
    if (version !== undefined) relayed["anthropic-version"] = version;
    if (beta !== undefined) relayed["anthropic-beta"] = beta;
    return relayed;
  };
  const relay =
    (relayPath: string) =>
    (body: Record<string, unknown>, client: ClientHeaders): UpstreamCall => ({
      path: relayPath,
      headers: relayHeaders(client),
      body: relayedMessagesJson(body, model),
    });

  return {
    transport: "http",
    providerName: "anthropic",
    providerDisplayName: "Anthropic",
    model,
    origin: base.origin,
    features: ["reasoning", "top_k"],
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
        relays: { "anthropic-messages": relay(path), "anthropic-count-tokens": relay(countTokensPath) },
      },
      completions: {
        encodeRequest: (request) => call(chatRequestFromCompletions(request, "Anthropic")),
        decodeResponse: (body) => completionsResponseFromChat(decodeChatResponse(body)),
        createStreamDecoder,
      },
    },
  };
}

/** A header's value; a repeated header (which Node joins for these) counts once, by its first value. */
function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
