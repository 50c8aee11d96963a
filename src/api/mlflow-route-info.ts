import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { decodePageToken, encodePageToken } from "../dialects/mlflow/page-token.js";
import { encodeRouteObject } from "../dialects/mlflow/route-object.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import {
  ANY_REQUEST_ERRORS,
  errorResponses,
  jsonResponse,
  routeNameParams,
} from "./openapi/operation-docs.js";
import { describeRoute } from "./route-description.js";
import { parseRouteFilter, type RouteFilter } from "./route-filter.js";
import { visibleRoutes } from "./visible-routes.js";

/** MLflow's page size; `max_results` may ask for less. */
const MAX_PAGE_SIZE = 3000;

/**
 * Route information: `GET /api/2.0/gateway/routes/` (paginated) and `/{name}`, with the aliases from the MLflow
 * documentation (`/gateway/routes`, `/routes`). Only names, types, model names and providers are shown.
 * The list takes an optional `filter` (grammar in route-filter.ts), applied before pagination: page tokens
 * index the filtered list, so follow a token with the same filter it came with.
 */
export function registerMlflowRouteInfo(app: FastifyInstance, holder: RouteTableHolder): void {
  const listPaths = ["/api/2.0/gateway/routes", "/gateway/routes", "/routes"];
  for (const [position, url] of listPaths.entries()) {
    app.get<{ Querystring: { page_token?: string; max_results?: string; filter?: string | string[] } }>(
      url,
      {
        schema: {
          hide: position > 0,
          operationId: "listRoutes",
          summary: "List routes",
          tags: ["MLflow AI Gateway"],
          querystring: {
            type: "object",
            properties: {
              page_token: { type: "string", description: "next_page_token of the previous page" },
              max_results: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE },
              filter: {
                type: "string",
                description:
                  "Clauses joined with AND, e.g. name LIKE 'chat%' AND model.provider = 'openai'. Fields: name, " +
                  "route_type, model.name, model.provider; operators: =, !=, LIKE, ILIKE; values quoted. " +
                  "Applied before pagination: pass the same filter with each page_token.",
              },
            },
          },
          response: {
            200: jsonResponse("A page of routes, in config order.", "MlflowRouteList"),
            ...errorResponses(mlflowErrorFormat, [400, ...ANY_REQUEST_ERRORS]),
          },
        },
      },
      async (request) => {
        const matches = routeFilter(request.query.filter);
        const routes = visibleRoutes(holder.current.routes, request.principal)
          .map((route) => describeRoute(route))
          .filter(matches);
        const start = request.query.page_token === undefined ? 0 : decodePageToken(request.query.page_token);
        const size = pageSize(request.query.max_results);
        const end = Math.min(start + size, routes.length);
        return {
          routes: routes.slice(start, end).map(encodeRouteObject),
          next_page_token: end < routes.length ? encodePageToken(end) : null,
        };
      },
    );
  }
  for (const [position, url] of listPaths.map((path) => `${path}/:name`).entries()) {
    app.get<{ Params: { name: string } }>(
      url,
      {
        schema: {
          hide: position > 0,
          operationId: "getRoute",
          summary: "Get a route",
          tags: ["MLflow AI Gateway"],
          params: routeNameParams("name", "The route's name.", "chat"),
          response: {
            200: jsonResponse("The route.", "MlflowRoute"),
            ...errorResponses(mlflowErrorFormat, [404, 414, ...ANY_REQUEST_ERRORS]),
          },
        },
      },
      async (request) => {
        const route = holder.current.get(request.params.name);
        if (route === undefined) throw routeNotFound(request.params.name);
        return encodeRouteObject(describeRoute(route));
      },
    );
  }
}

export function routeNotFound(name: string): GatewayError {
  return new GatewayError(
    "route_not_found",
    `The route '${name}' is not present or active on the server. Please verify the route name: GET /api/2.0/gateway/routes/ lists the routes.`,
  );
}

function routeFilter(filter: string | string[] | undefined): RouteFilter {
  if (Array.isArray(filter)) {
    throw new GatewayError(
      "invalid_filter",
      "Invalid filter: give one 'filter' parameter and join its clauses with AND.",
      { param: "filter" },
    );
  }
  return parseRouteFilter(filter ?? "");
}

function pageSize(maxResults: string | undefined): number {
  if (maxResults === undefined) return MAX_PAGE_SIZE;
  const size = Number(maxResults);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new GatewayError(
      "invalid_parameter",
      `max_results must be an integer from 1 to ${MAX_PAGE_SIZE} (got '${maxResults}').`,
      {
        param: "max_results",
      },
    );
  }
  return size;
}
