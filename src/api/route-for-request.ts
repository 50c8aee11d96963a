import { GatewayError, OPERATION_OF_ROUTE_TYPE, type Operation, type RouteType } from "../canonical/index.js";
import type { Route, RouteTable } from "../routing/route-table.js";

const ROUTE_TYPE_OF_OPERATION: Record<Operation, RouteType> = {
  chat: "llm/v1/chat",
  completions: "llm/v1/completions",
  embeddings: "llm/v1/embeddings",
};

/**
 * The route an OpenAI-shaped request names in `model`, checked against the endpoint it was sent to: an unknown
 * name is a 404 (OpenAI's model_not_found), a route of another type a 400 that says which type is needed.
 */
export function routeForRequest(
  table: RouteTable,
  name: string,
  operation: Operation,
  endpoint: string,
): Route {
  const route = table.forModel(name);
  if (route === undefined) {
    throw new GatewayError(
      "route_not_found",
      `The model '${name}' does not exist: 'model' must name one of this gateway's routes or their aliases (GET /v1/models lists them).`,
      { param: "model" },
    );
  }
  if (OPERATION_OF_ROUTE_TYPE[route.type] !== operation) {
    throw new GatewayError(
      "route_type_mismatch",
      `Route '${route.name}'${route.name === name ? "" : ` (alias '${name}')`} is a ${route.type} route; ${endpoint} needs a ${ROUTE_TYPE_OF_OPERATION[operation]} route.`,
      { param: "model" },
    );
  }
  return route;
}
