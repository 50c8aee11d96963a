import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { decodeOpenAIChatRequest } from "../dialects/openai/chat-request-decoder.js";
import { decodeOpenAICompletionsRequest } from "../dialects/openai/completions-request-decoder.js";
import {
  decodeOpenAIEmbeddingsRequest,
  decodeOpenAIEmbeddingsWithFormat,
} from "../dialects/openai/embeddings-request-decoder.js";
import { routeAccessDenial } from "../governance/access/route-access.js";
import type { GovernanceRuntime } from "../governance/governance-runtime.js";
import type { ResponseStorage } from "../response-store/response-storage.js";
import type { Route } from "../routing/route-table.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { DeferredRequest, jsonObjectBody } from "./deferred-request.js";
import { openAIErrorFormat } from "./openai-error-format.js";
import { answerChat, answerCompletions, answerEmbeddings } from "./openai-shaped-answers.js";
import {
  OPENAI_CHAT_EXAMPLES,
  OPENAI_COMPLETION_EXAMPLES,
  OPENAI_EMBEDDING_EXAMPLES,
} from "./openapi/openai-schemas.js";
import {
  ANY_REQUEST_ERRORS,
  ATTRIBUTION_HEADERS,
  allErrorsBut,
  errorResponses,
  jsonBody,
  jsonResponse,
  routeNameParams,
} from "./openapi/operation-docs.js";
import { registerOwnKey } from "./own-key-api.js";
import { observeRoute } from "./request-observation.js";
import { registerResponsesApi } from "./responses-api.js";
import { routeForRequest } from "./route-for-request.js";
import { tokenTextFor } from "./token-text.js";
import { visibleRoutes } from "./visible-routes.js";

const TAGS = ["OpenAI-compatible API"];
const STREAM = {
  chat: {
    itemSchemaName: "OpenAIChatCompletionChunk",
    errorSchemaName: "OpenAIStreamError",
    description:
      'With `"stream": true`: chunks, then `data: [DONE]`; a broken stream ends with an error object.',
  },
  completions: {
    itemSchemaName: "OpenAITextCompletionChunk",
    errorSchemaName: "OpenAIStreamError",
    description:
      'With `"stream": true`: chunks, then `data: [DONE]`; a broken stream ends with an error object.',
  },
};

/**
 * The OpenAI API under `/v1`, where `model` names a route: any OpenAI SDK works by setting its base URL to
 * `{gateway}/v1`, whatever provider serves the route. Errors use OpenAI's envelope (openai-error-format.ts).
 */
export async function registerOpenAIApi(
  app: FastifyInstance,
  holder: RouteTableHolder,
  governance: GovernanceRuntime,
  responses: ResponseStorage,
): Promise<void> {
  await app.register(
    async (scope) => {
      registerOwnKey(scope, governance, holder);
      scope.post(
        "/chat/completions",
        {
          schema: {
            operationId: "createChatCompletion",
            tags: TAGS,
            summary: "Create a chat completion",
            body: jsonBody("OpenAIChatCompletionRequest", OPENAI_CHAT_EXAMPLES),
            headers: ATTRIBUTION_HEADERS,
            response: {
              200: jsonResponse("A chat completion, or its stream.", "OpenAIChatCompletion", {}, STREAM.chat),
              ...errorResponses(openAIErrorFormat, allErrorsBut(openAIErrorFormat)),
            },
          },
        },
        async (request, reply) => {
          const body = new DeferredRequest(
            jsonObjectBody(request.body),
            (raw) => decodeOpenAIChatRequest(raw).request,
          );
          const table = holder.current;
          const route = routeForRequest(
            table,
            routeNameOf(body, decodeOpenAIChatRequest),
            "chat",
            "/v1/chat/completions",
          );
          observeRoute(reply, "openai", route);
          return answerChat(reply, { holder, table, route, principal: request.principal }, body);
        },
      );
      scope.post(
        "/completions",
        {
          schema: {
            operationId: "createCompletion",
            tags: TAGS,
            summary: "Create a completion",
            body: jsonBody("OpenAICompletionRequest", OPENAI_COMPLETION_EXAMPLES),
            headers: ATTRIBUTION_HEADERS,
            response: {
              200: jsonResponse(
                "A text completion, or its stream.",
                "OpenAITextCompletion",
                {},
                STREAM.completions,
              ),
              ...errorResponses(openAIErrorFormat, allErrorsBut(openAIErrorFormat)),
            },
          },
        },
        async (request, reply) => {
          const raw = jsonObjectBody(request.body);
          const tokenText = await tokenTextFor(raw, "prompt");
          const body = new DeferredRequest(
            raw,
            (fields) => decodeOpenAICompletionsRequest(fields, tokenText).request,
          );
          const table = holder.current;
          const route = routeForRequest(
            table,
            routeNameOf(body, decodeOpenAICompletionsRequest),
            "completions",
            "/v1/completions",
          );
          observeRoute(reply, "openai", route);
          return answerCompletions(reply, { holder, table, route, principal: request.principal }, body);
        },
      );
      scope.post(
        "/embeddings",
        {
          schema: {
            operationId: "createEmbedding",
            tags: TAGS,
            summary: "Create embeddings",
            body: jsonBody("OpenAIEmbeddingRequest", OPENAI_EMBEDDING_EXAMPLES),
            headers: ATTRIBUTION_HEADERS,
            response: {
              200: jsonResponse("The embeddings, in input order.", "OpenAIEmbeddingList"),
              ...errorResponses(openAIErrorFormat, allErrorsBut(openAIErrorFormat)),
            },
          },
        },
        async (request, reply) => {
          const raw = jsonObjectBody(request.body);
          const tokenText = await tokenTextFor(raw, "input");
          const body = new DeferredRequest(raw, (fields) =>
            decodeOpenAIEmbeddingsWithFormat(fields, tokenText),
          );
          const table = holder.current;
          const route = routeForRequest(
            table,
            routeNameOf(body, decodeOpenAIEmbeddingsRequest),
            "embeddings",
            "/v1/embeddings",
          );
          observeRoute(reply, "openai", route);
          return answerEmbeddings(reply, { holder, table, route, principal: request.principal }, body);
        },
      );
      const modelsSchema = {
        operationId: "listModels",
        tags: TAGS,
        summary: "List the routes as models (those the caller's key may use)",
        response: {
          200: jsonResponse("Every route the caller may use, as a model.", "OpenAIModelList"),
          ...errorResponses(openAIErrorFormat, ANY_REQUEST_ERRORS),
        },
      };
      scope.get("/models", { schema: modelsSchema }, async (request) => {
        const table = holder.current;
        const routes = visibleRoutes(table.routes, request.principal);
        return {
          object: "list",
          data: routes.flatMap((route) =>
            [route.name, ...(route.aliases ?? [])].map((id) => modelObject(id, route, table.builtAt)),
          ),
        };
      });
      scope.get<{ Params: { model: string } }>(
        "/models/:model",
        {
          schema: {
            operationId: "retrieveModel",
            tags: TAGS,
            summary: "Retrieve a route as a model",
            params: routeNameParams("model", "The route's name.", "chat"),
            response: {
              200: jsonResponse("The route, as a model.", "OpenAIModel"),
              ...errorResponses(openAIErrorFormat, [404, 414, ...ANY_REQUEST_ERRORS]),
            },
          },
        },
        async (request) => {
          const table = holder.current;
          const route = table.forModel(request.params.model);
          if (route === undefined) {
            throw new GatewayError(
              "route_not_found",
              `The model '${request.params.model}' does not exist on this gateway.`,
              {
                param: "model",
              },
            );
          }
          if (request.principal !== null) {
            const denial = routeAccessDenial(request.principal, route.name, route.targetModels);
            if (denial !== undefined) throw denial;
          }
          return modelObject(request.params.model, route, table.builtAt);
        },
      );
      registerResponsesApi(scope, holder, responses);
    },
    { prefix: "/v1" },
  );
}

/** The route the body's `model` names; a body without a string `model` gets the decoder's own error. */
function routeNameOf(
  body: DeferredRequest<unknown>,
  decode: (raw: unknown) => { routeName: string },
): string {
  const model = body.body.model;
  return typeof model === "string" ? model : decode(body.body).routeName;
}

/** A route as an OpenAI model object: `id` (its name or an alias) is what clients pass as `model`. */
function modelObject(id: string, route: Route, created: number): Record<string, unknown> {
  return {
    id,
    object: "model",
    created,
    owned_by: route.targets[0]?.upstream.providerName ?? "switchyard",
  };
}
