import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { encodeEndpointObject } from "../dialects/mlflow/endpoint-object.js";
import { decodePageToken, encodePageToken } from "../dialects/mlflow/page-token.js";
import { decodeOpenAIChatRequest } from "../dialects/openai/chat-request-decoder.js";
import { decodeOpenAICompletionsRequest } from "../dialects/openai/completions-request-decoder.js";
import { decodeOpenAIEmbeddingsWithFormat } from "../dialects/openai/embeddings-request-decoder.js";
import type { Route } from "../routing/route-table.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { withAddedFields } from "../serialisation/client-json.js";
import { DeferredRequest } from "./deferred-request.js";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { answerChat, answerCompletions, answerEmbeddings } from "./openai-shaped-answers.js";
import { DEPLOYMENTS_QUERY_EXAMPLES } from "./openapi/deployments-schemas.js";
import {
  ANY_REQUEST_ERRORS,
  ATTRIBUTION_HEADERS,
  allErrorsBut,
  errorResponses,
  jsonBody,
  jsonResponse,
  routeNameParams,
} from "./openapi/operation-docs.js";
import { observeRoute } from "./request-observation.js";
import { describeRoute } from "./route-description.js";
import { tokenTextFor } from "./token-text.js";
import { visibleRoutes } from "./visible-routes.js";

const TAGS = ["MLflow deployments API"];
const PAGE_SIZE = 3000;

/**
 * MLflow's deployments API (MLflow 2.9+, `mlflow.deployments.get_deploy_client`): endpoints are this gateway's
 * routes, and queries take and return OpenAI-shaped bodies (`n`, `choices`, `usage`, `data`), streaming with
 * `"stream": true`. Errors are `{"detail": ...}` as in the rest of the MLflow API.
 */
export function registerMlflowDeploymentsApi(app: FastifyInstance, holder: RouteTableHolder): void {
  app.get<{ Querystring: { page_token?: string } }>(
    "/api/2.0/endpoints",
    {
      schema: {
        operationId: "listEndpoints",
        tags: TAGS,
        summary: "List endpoints",
        querystring: {
          type: "object",
          properties: { page_token: { type: "string", description: "next_page_token of the previous page" } },
        },
        response: {
          200: jsonResponse("A page of endpoints (up to 3000), in config order.", "DeploymentsEndpointList"),
          ...errorResponses(mlflowErrorFormat, [400, ...ANY_REQUEST_ERRORS]),
        },
      },
    },
    async (request) => {
      const routes = visibleRoutes(holder.current.routes, request.principal);
      const start = request.query.page_token === undefined ? 0 : decodePageToken(request.query.page_token);
      const end = Math.min(start + PAGE_SIZE, routes.length);
      return {
        endpoints: routes.slice(start, end).map((route) => describe(holder, route)),
        next_page_token: end < routes.length ? encodePageToken(end) : null,
      };
    },
  );
  app.get<{ Params: { name: string } }>(
    "/api/2.0/endpoints/:name",
    {
      schema: {
        operationId: "getEndpoint",
        tags: TAGS,
        summary: "Get an endpoint",
        params: routeNameParams("name", "The endpoint's (route's) name.", "chat"),
        response: {
          200: jsonResponse("The endpoint.", "DeploymentsEndpoint"),
          ...errorResponses(mlflowErrorFormat, [404, 414, ...ANY_REQUEST_ERRORS]),
        },
      },
    },
    async (request) => describe(holder, endpoint(holder, request.params.name)),
  );
  app.post<{ Params: { name: string } }>(
    "/endpoints/:name/invocations",
    {
      schema: {
        operationId: "queryEndpoint",
        tags: TAGS,
        summary: 'Query an endpoint (OpenAI-shaped body, streaming with "stream": true)',
        description: "The body depends on the endpoint's type; pick the example of its type.",
        params: routeNameParams("name", "The endpoint (route) to query.", "chat"),
        body: jsonBody("DeploymentsQueryRequest", DEPLOYMENTS_QUERY_EXAMPLES),
        headers: ATTRIBUTION_HEADERS,
        response: {
          200: jsonResponse(
            "OpenAI's object for the endpoint's type.",
            "DeploymentsQueryResponse",
            {},
            {
              itemSchemaName: "DeploymentsQueryChunk",
              errorSchemaName: "OpenAIStreamError",
              description: 'With `"stream": true` (chat and completions): chunks, then `data: [DONE]`.',
            },
          ),
          ...errorResponses(mlflowErrorFormat, allErrorsBut(mlflowErrorFormat, [501])),
        },
      },
    },
    async (request, reply) => {
      const table = holder.current;
      const route = endpoint(holder, request.params.name);
      observeRoute(reply, "deployments", route);
      const body = withRouteAsModel(request.body, route);
      const served = { holder, table, route, principal: request.principal };
      if (route.operation === "chat") {
        return answerChat(
          reply,
          served,
          new DeferredRequest(body, (raw) => decodeOpenAIChatRequest(raw).request),
        );
      }
      if (route.operation === "completions") {
        const tokenText = await tokenTextFor(body, "prompt");
        const completions = new DeferredRequest(
          body,
          (raw) => decodeOpenAICompletionsRequest(raw, tokenText).request,
        );
        return answerCompletions(reply, served, completions);
      }
      const tokenText = await tokenTextFor(body, "input");
      const embeddings = new DeferredRequest(body, (raw) => decodeOpenAIEmbeddingsWithFormat(raw, tokenText));
      return answerEmbeddings(reply, served, embeddings);
    },
  );
}

function endpoint(holder: RouteTableHolder, name: string): Route {
  const route = holder.current.get(name);
  if (route === undefined) {
    throw new GatewayError(
      "route_not_found",
      `The endpoint '${name}' is not present or active on the server. Please verify the endpoint name: GET /api/2.0/endpoints/ lists the endpoints.`,
    );
  }
  return route;
}

/** The endpoint object, with the request limit in force (set through the limits API, or from the file). */
function describe(holder: RouteTableHolder, route: Route): Record<string, unknown> {
  return encodeEndpointObject(describeRoute(route, holder.governor?.mlflowLimitsOf(route.governance)));
}

/**
 * The endpoint is named by the URL, so the body may not name a model; the OpenAI decoders then read the
 * endpoint's name as the model. Like MLflow's deployments server, a missing temperature of a chat or completions
 * query is 0; embeddings take no temperature (OpenAI refuses the unknown field).
 */
function withRouteAsModel(body: unknown, route: Route): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_body", "The request body must be a JSON object.");
  }
  const record = body as Record<string, unknown>;
  if ("model" in record) {
    throw new GatewayError(
      "parameter_not_permitted",
      "The parameter 'model' is not permitted: the endpoint being queried already defines the model.",
      { param: "model" },
    );
  }
  // MLflow's default temperature, where the body sets none. Added, not spread, so the body's text still serves
  // a relay (serialisation/client-json.ts).
  const added =
    route.operation === "embeddings" || "temperature" in record
      ? { model: route.name }
      : { temperature: 0, model: route.name };
  return withAddedFields(record, added);
}
