import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { decodeOpenAIChatRequest } from "../dialects/openai/chat-request-decoder.js";
import { decodeOpenAICompletionsRequest } from "../dialects/openai/completions-request-decoder.js";
import {
  decodeOpenAIEmbeddingsRequest,
  decodeOpenAIEmbeddingsWithFormat,
} from "../dialects/openai/embeddings-request-decoder.js";
import type { ResponseStorage } from "../response-store/response-storage.js";
import type { Route } from "../routing/route-table.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { DeferredRequest, jsonObjectBody } from "./deferred-request.js";
import { refuseOtherMethods } from "./method-not-allowed.js";
import { useOpenAIErrors } from "./openai-error-handler.js";
import { answerChat, answerCompletions, answerEmbeddings } from "./openai-shaped-answers.js";
import { observeRoute } from "./request-observation.js";
import { registerResponsesApi } from "./responses-api.js";
import { routeForRequest } from "./route-for-request.js";

const TAGS = ["OpenAI-compatible API"];

/**
 * The OpenAI API under `/v1`, where `model` names a route: any OpenAI SDK works by setting its base URL to
 * `{gateway}/v1`, whatever provider serves the route. Errors use OpenAI's envelope.
 */
export async function registerOpenAIApi(
  app: FastifyInstance,
  holder: RouteTableHolder,
  responses: ResponseStorage,
): Promise<void> {
  await app.register(
    async (scope) => {
      useOpenAIErrors(scope);
      scope.post(
        "/chat/completions",
        { schema: { tags: TAGS, summary: "Create a chat completion" } },
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
          observeRoute(request, "openai", route);
          return answerChat(reply, { holder, table, route }, body);
        },
      );
      scope.post(
        "/completions",
        { schema: { tags: TAGS, summary: "Create a completion" } },
        async (request, reply) => {
          const body = new DeferredRequest(
            jsonObjectBody(request.body),
            (raw) => decodeOpenAICompletionsRequest(raw).request,
          );
          const table = holder.current;
          const route = routeForRequest(
            table,
            routeNameOf(body, decodeOpenAICompletionsRequest),
            "completions",
            "/v1/completions",
          );
          observeRoute(request, "openai", route);
          return answerCompletions(reply, { holder, table, route }, body);
        },
      );
      scope.post(
        "/embeddings",
        { schema: { tags: TAGS, summary: "Create embeddings" } },
        async (request, reply) => {
          const body = new DeferredRequest(jsonObjectBody(request.body), decodeOpenAIEmbeddingsWithFormat);
          const table = holder.current;
          const route = routeForRequest(
            table,
            routeNameOf(body, decodeOpenAIEmbeddingsRequest),
            "embeddings",
            "/v1/embeddings",
          );
          observeRoute(request, "openai", route);
          return answerEmbeddings(reply, { holder, table, route }, body);
        },
      );
      scope.get("/models", { schema: { tags: TAGS, summary: "List the routes as models" } }, async () => {
        const table = holder.current;
        return {
          object: "list",
          data: table.routes.flatMap((route) =>
            [route.name, ...(route.aliases ?? [])].map((id) => modelObject(id, route, table.builtAt)),
          ),
        };
      });
      scope.get<{ Params: { model: string } }>(
        "/models/:model",
        { schema: { tags: TAGS, summary: "Retrieve a route as a model" } },
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
          return modelObject(request.params.model, route, table.builtAt);
        },
      );
      for (const url of ["/chat/completions", "/completions", "/embeddings"])
        refuseOtherMethods(scope, url, ["POST"]);
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
