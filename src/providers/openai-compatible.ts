import { z } from "zod";
import {
  chatRequestFromCompletions,
  completionsResponseFromChat,
  type Operation,
} from "../canonical/index.js";
import { encodeChatRequest } from "../dialects/openai/chat-request.js";
import { decodeChatResponse } from "../dialects/openai/chat-response.js";
import { createRequestAdapter, type RequestAdapter } from "../dialects/openai/compatible-request.js";
import { createResponseRewriter } from "../dialects/openai/compatible-response.js";
import { decodeCompletionsResponse, encodeCompletionsRequest } from "../dialects/openai/completions.js";
import { decodeEmbeddingsResponse, encodeEmbeddingsRequest } from "../dialects/openai/embeddings.js";
import { decodeErrorMessage, decodeUpstreamErrorBody } from "../dialects/openai/error-message.js";
import { OPENAI_ERROR_SIGNALS } from "../dialects/openai/error-signals.js";
import {
  createOpenAIChatStreamDecoder,
  createOpenAICompletionsStreamDecoder,
} from "../dialects/openai/stream-decoder.js";
import { holdsTokens } from "../dialects/openai/token-input.js";
import { type BaseUrl, joinPath, parseBaseUrl } from "./base-url.js";
import type {
  CompatibleOperation,
  CompatibleProviderDeclaration,
  CompletionsEndpoint,
  EmbeddingsEndpoint,
} from "./compatible-declaration.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider, type ProviderDefinition } from "./provider-definition.js";
import type { HttpOperation, HttpUpstreamTarget, RelayQuirks, UpstreamCall } from "./upstream-target.js";

type CompatibleConfig = Record<string, string | undefined>;

/**
 * The one factory for OpenAI-compatible providers: a declaration of how a provider differs from OpenAI becomes
 * a provider whose targets relay OpenAI clients' requests (with the declared request differences applied, and
 * answers rewritten only where they differ) and translate everything else through the OpenAI dialect.
 */
export function openaiCompatible(declaration: CompatibleProviderDeclaration): ProviderDefinition {
  const { config } = declaration;
  const operations: Operation[] = ["chat", "completions"];
  if (declaration.embeddings !== undefined) operations.push("embeddings");
  return defineProvider<CompatibleConfig>({
    name: declaration.name,
    ...(declaration.aliases === undefined ? {} : { aliases: declaration.aliases }),
    displayName: declaration.displayName,
    operations,
    configSchema: configSchema(declaration),
    secretFields: [config.apiKey.key],
    ...(declaration.defaultModelName === undefined ? {} : { defaultModelName: declaration.defaultModelName }),
    createTarget: (model, settings) => createCompatibleTarget(declaration, model, settings),
  });
}

/** Strict, like every provider's: an unknown key is an error that lists the allowed ones. */
function configSchema(declaration: CompatibleProviderDeclaration): z.ZodType<CompatibleConfig> {
  const { baseUrl, apiKey, headers = {} } = declaration.config;
  const shape: Record<string, z.ZodType<string | undefined>> = {
    [baseUrl.key]: baseUrl.default === undefined ? httpUrlSchema : httpUrlSchema.default(baseUrl.default),
    [apiKey.key]: apiKey.required ? z.string().min(1) : z.string().min(1).optional(),
  };
  for (const key of Object.keys(headers)) shape[key] = z.string().min(1).optional();
  return z.object(shape).strict() as unknown as z.ZodType<CompatibleConfig>;
}

function createCompatibleTarget(
  declaration: CompatibleProviderDeclaration,
  model: string,
  settings: CompatibleConfig,
): HttpUpstreamTarget {
  const { config, displayName: provider } = declaration;
  const base = parseBaseUrl(settings[config.baseUrl.key] ?? "");
  const headers = requestHeaders(declaration, settings);
  const bodyModel = declaration.bodyModel?.fixed ?? model;
  const finishReasons = declaration.response?.finishReasons;
  const responseOptions = finishReasons === undefined ? {} : { finishReasons };
  const streamOptions = { provider, ...responseOptions };
  const relay: RelayQuirks = {};
  const rewrite = createResponseRewriter(declaration.response);
  if (rewrite !== undefined) relay.rewrite = rewrite;
  if (declaration.stream?.normaliseFraming === true) relay.normaliseFraming = true;
  if (declaration.stream?.usageOnLastChunk === true) relay.usageOnLastChunk = true;
  const relayQuirks = Object.keys(relay).length === 0 ? {} : { relay };

  const chat = endpoint(base, headers, declaration.chat, provider, bodyModel);
  const operations: HttpUpstreamTarget["operations"] = {
    chat: {
      encodeRequest: (request) => chat.call(encodeChatRequest(request, bodyModel, "max_tokens")),
      decodeResponse: (body) => decodeChatResponse(body, responseOptions),
      createStreamDecoder: () => createOpenAIChatStreamDecoder(streamOptions),
      passThrough: (body) => chat.call(body),
      ...relayQuirks,
    },
    completions:
      declaration.completions === "through-chat"
        ? {
            encodeRequest: (request) =>
              chat.call(
                encodeChatRequest(chatRequestFromCompletions(request, provider), bodyModel, "max_tokens"),
              ),
            decodeResponse: (body) => completionsResponseFromChat(decodeChatResponse(body, responseOptions)),
            createStreamDecoder: () => createOpenAIChatStreamDecoder(streamOptions),
          }
        : completionsOperation(
            endpoint(base, headers, declaration.completions, provider, bodyModel),
            declaration.completions,
            { bodyModel, responseOptions, streamOptions, relayQuirks },
          ),
  };
  if (declaration.embeddings !== undefined) {
    operations.embeddings = embeddingsOperation(
      endpoint(base, headers, declaration.embeddings, provider, bodyModel),
      declaration.embeddings,
      bodyModel,
    );
  }
  return {
    transport: "http",
    providerName: declaration.name,
    providerDisplayName: provider,
    model,
    origin: base.origin,
    // Reasoning becomes `reasoning_effort` where the provider takes it, and is dropped where it does not
    // (RequestQuirks.reasoningEfforts): a hint, never refused.
    features: ["reasoning"],
    decodeErrorMessage,
    // vLLM and other compatible servers say "maximum context length" in words: the table reads that too.
    errorSignals: OPENAI_ERROR_SIGNALS,
    decodeErrorDetails: (body) => {
      const { message: _message, ...details } = decodeUpstreamErrorBody(body);
      return details;
    },
    operations,
  };
}

/** One endpoint of a target: its path (built once) and the body adapter of its declared differences. */
interface Endpoint {
  call(body: Record<string, unknown>): UpstreamCall;
}

function endpoint(
  base: BaseUrl,
  headers: Record<string, string>,
  operation: CompatibleOperation,
  provider: string,
  bodyModel: string,
): Endpoint {
  const path = joinPath(base, operation.path);
  const adapt: RequestAdapter = createRequestAdapter(operation.request ?? {}, provider, bodyModel);
  return { call: (body) => ({ path, headers, body: JSON.stringify(adapt(body)) }) };
}

function completionsOperation(
  completions: Endpoint,
  declared: CompletionsEndpoint,
  options: {
    bodyModel: string;
    responseOptions: Parameters<typeof decodeCompletionsResponse>[1];
    streamOptions: Parameters<typeof createOpenAICompletionsStreamDecoder>[0];
    relayQuirks: { relay?: RelayQuirks };
  },
): HttpOperation<"completions"> {
  return {
    encodeRequest: (request) => completions.call(encodeCompletionsRequest(request, options.bodyModel)),
    decodeResponse: (body) => decodeCompletionsResponse(body, options.responseOptions),
    createStreamDecoder: () => createOpenAICompletionsStreamDecoder(options.streamOptions),
    // A body the server cannot take as it is (several prompts, token ids) is translated instead: one request
    // per prompt, token ids as text.
    passThrough: (body) => {
      const { prompt } = body;
      if (!declared.promptLists && Array.isArray(prompt) && prompt.length > 1) return undefined;
      if (!declared.tokens && holdsTokens(prompt)) return undefined;
      return completions.call(body);
    },
    acceptsPromptLists: declared.promptLists,
    ...options.relayQuirks,
  };
}

function embeddingsOperation(
  embeddings: Endpoint,
  declared: EmbeddingsEndpoint,
  bodyModel: string,
): HttpOperation<"embeddings"> {
  return {
    encodeRequest: (request) => embeddings.call(encodeEmbeddingsRequest(request, bodyModel)),
    decodeResponse: (body) => decodeEmbeddingsResponse(body),
    // Translated instead when the server would not understand the body: token ids it needs as text, or base64
    // vectors it cannot produce (the gateway then asks for floats and encodes them for the client).
    passThrough: (body) => {
      if (!declared.tokens && holdsTokens(body.input)) return undefined;
      if (!declared.base64 && body.encoding_format === "base64") return undefined;
      return embeddings.call(body);
    },
  };
}

function requestHeaders(
  declaration: CompatibleProviderDeclaration,
  settings: CompatibleConfig,
): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = settings[declaration.config.apiKey.key];
  if (key !== undefined) {
    const auth = declaration.auth ?? "bearer";
    if (auth === "bearer") headers.authorization = `Bearer ${key}`;
    else headers[auth.header] = key;
  }
  for (const [setting, header] of Object.entries(declaration.config.headers ?? {})) {
    const value = settings[setting];
    if (value !== undefined) headers[header] = value;
  }
  return headers;
}
