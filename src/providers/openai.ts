import { z } from "zod";
import { chatRequestFromCompletions, completionsResponseFromChat } from "../canonical/index.js";
import { encodeChatRequest } from "../dialects/openai/chat-request.js";
import { decodeChatResponse } from "../dialects/openai/chat-response.js";
import { decodeEmbeddingsResponse, encodeEmbeddingsRequest } from "../dialects/openai/embeddings.js";
import { decodeErrorMessage, decodeUpstreamErrorBody } from "../dialects/openai/error-message.js";
import { OPENAI_ERROR_SIGNALS } from "../dialects/openai/error-signals.js";
import { createOpenAIChatStreamDecoder } from "../dialects/openai/stream-decoder.js";
import { relayedResponsesJson } from "../dialects/openai-responses/relayed-request.js";
import { jsonWithModel } from "../serialisation/client-json.js";
import { type BaseUrl, joinPath, parseBaseUrl } from "./base-url.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { HttpUpstreamTarget, UpstreamCall } from "./upstream-target.js";

const DEFAULT_API_BASE = "https://api.openai.com/v1";
const API_TYPES = ["openai", "azure", "azuread"] as const;

/**
 * `model.config` of the openai provider, with MLflow's rules for Azure OpenAI:
 * https://learn.microsoft.com/azure/ai-services/openai/reference
 */
const configSchema = z
  .object({
    /** Optional only for a server of your own at `openai_api_base` that needs no key (vLLM, Ollama, llama.cpp). */
    openai_api_key: z.string().min(1).optional(),
    openai_api_type: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(API_TYPES, { error: `must be one of: ${API_TYPES.join(", ")} (case-insensitive)` }))
      .default("openai"),
    openai_api_base: httpUrlSchema.optional(),
    openai_api_version: z.string().min(1).optional(),
    openai_deployment_name: z.string().min(1).optional(),
    openai_organization: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((config, context) => {
    if (
      config.openai_api_key === undefined &&
      (config.openai_api_type !== "openai" || !config.openai_api_base)
    ) {
      context.addIssue({
        code: "custom",
        path: ["openai_api_key"],
        message:
          config.openai_api_type === "openai"
            ? "is required for api.openai.com; leave it out only with openai_api_base pointing at a server that needs no key"
            : `is required when openai_api_type is '${config.openai_api_type}'`,
      });
    }
    if (config.openai_api_type === "openai") {
      if (config.openai_deployment_name !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["openai_deployment_name"],
          message: "is only allowed when openai_api_type is 'azure' or 'azuread' (found 'openai')",
        });
      }
      return;
    }
    if (config.openai_organization !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["openai_organization"],
        message: `is only allowed when openai_api_type is 'openai' (found '${config.openai_api_type}')`,
      });
    }
    for (const key of ["openai_api_base", "openai_deployment_name", "openai_api_version"] as const) {
      if (config[key] === undefined) {
        context.addIssue({
          code: "custom",
          path: [key],
          message: `is required when openai_api_type is '${config.openai_api_type}' (Azure OpenAI needs openai_api_base, openai_deployment_name and openai_api_version)`,
        });
      }
    }
  });

type OpenAIConfig = z.infer<typeof configSchema>;

export const openaiProvider = defineProvider<OpenAIConfig>({
  name: "openai",
  displayName: "OpenAI",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: ["openai_api_key"],
  createTarget: createOpenAITarget,
});

function createOpenAITarget(model: string, config: OpenAIConfig): HttpUpstreamTarget {
  const azure = config.openai_api_type !== "openai";
  const base: BaseUrl = azure
    ? parseBaseUrl(
        `${config.openai_api_base?.replace(/\/+$/, "")}/openai/deployments/${encodeURIComponent(config.openai_deployment_name ?? "")}`,
      )
    : parseBaseUrl(config.openai_api_base ?? DEFAULT_API_BASE);
  const query: Record<string, string> = azure ? { "api-version": config.openai_api_version ?? "" } : {};
  const headers: Record<string, string> = { "content-type": "application/json" };
  // No key: a local server that needs none gets no Authorization header (not a dummy one).
  const key = config.openai_api_key;
  if (key !== undefined) {
    if (config.openai_api_type === "azure") headers["api-key"] = key;
    else headers.authorization = `Bearer ${key}`;
  }
  if (config.openai_organization !== undefined) headers["openai-organization"] = config.openai_organization;
  // Azure names the model by the deployment in the URL and takes no `model` in the body.
  const bodyModel = azure ? null : model;
  // Paths are built once per target, not per request.
  const paths = {
    "chat/completions": joinPath(base, "chat/completions", query),
    embeddings: joinPath(base, "embeddings", query),
    responses: joinPath(base, "responses", query),
  };
  const call = (endpoint: keyof typeof paths, body: unknown): UpstreamCall =>
    callWithJson(endpoint, JSON.stringify(body));
  const callWithJson = (endpoint: keyof typeof paths, json: string): UpstreamCall => ({
    path: paths[endpoint],
    headers,
    body: json,
  });
  // The client's body with the route's upstream model in place of the route name (Azure takes none in the body).
  const relayed = (body: Record<string, unknown>): string => {
    if (bodyModel !== null) return jsonWithModel(body, bodyModel);
    const { model: _routeName, ...rest } = body;
    return JSON.stringify(rest);
  };

  return {
    transport: "http",
    providerName: "openai",
    providerDisplayName: "OpenAI",
    model,
    origin: base.origin,
    features: ["reasoning"],
    decodeErrorMessage,
    errorSignals: OPENAI_ERROR_SIGNALS,
    decodeErrorDetails: (body) => {
      const { message: _message, ...details } = decodeUpstreamErrorBody(body);
      return details;
    },
    operations: {
      chat: {
        encodeRequest: (request) => call("chat/completions", encodeChatRequest(request, bodyModel)),
        decodeResponse: (body) => decodeChatResponse(body),
        createStreamDecoder: () => createOpenAIChatStreamDecoder({ provider: "OpenAI" }),
        passThrough: (body) => callWithJson("chat/completions", relayed(body)),
        // OpenAI's own Responses API (https://platform.openai.com/docs/api-reference/responses). Azure serves it
        // under another path and API version, so Azure targets translate Responses requests through chat.
        ...(azure
          ? {}
          : {
              relays: {
                "openai-responses": (body) => callWithJson("responses", relayedResponsesJson(body, model)),
              },
            }),
      },
      completions: {
        encodeRequest: (request) =>
          call(
            "chat/completions",
            encodeChatRequest(chatRequestFromCompletions(request, "OpenAI"), bodyModel),
          ),
        decodeResponse: (body) => completionsResponseFromChat(decodeChatResponse(body)),
        // Served through chat/completions, so the upstream streams chat chunks.
        createStreamDecoder: () => createOpenAIChatStreamDecoder({ provider: "OpenAI" }),
      },
      embeddings: {
        encodeRequest: (request) => call("embeddings", encodeEmbeddingsRequest(request, bodyModel)),
        decodeResponse: (body) => decodeEmbeddingsResponse(body),
        passThrough: (body) => callWithJson("embeddings", relayed(body)),
      },
    },
  };
}
