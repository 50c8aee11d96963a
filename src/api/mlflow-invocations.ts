import type { FastifyInstance } from "fastify";
import { decodeMlflowRequest } from "../dialects/mlflow/request-decoder.js";
import { encodeMlflowResponse } from "../dialects/mlflow/response-encoder.js";
import { executeRoute } from "../routing/execute-route.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { attemptRecorder } from "./attempt-observer.js";
import { canonicalFinish } from "./canonical-finish.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { routeNotFound } from "./mlflow-route-info.js";
import { MLFLOW_ANSWER_EXAMPLES, MLFLOW_QUERY_EXAMPLES } from "./openapi/mlflow-schemas.js";
import {
  ATTRIBUTION_HEADERS,
  allErrorsBut,
  errorResponses,
  jsonBody,
  jsonResponse,
  routeNameParams,
} from "./openapi/operation-docs.js";
import { observeRoute } from "./request-observation.js";

/**
 * Queries: `POST /gateway/{name}/invocations`, and the documented aliases `POST /gateway/routes/{name}` and
 * `POST /query/{name}`. The body's shape depends on the route's type.
 */
export function registerMlflowInvocations(app: FastifyInstance, holder: RouteTableHolder): void {
  const urls = ["/gateway/:name/invocations", "/gateway/routes/:name", "/query/:name"];
  for (const [position, url] of urls.entries()) {
    app.post<{ Params: { name: string } }>(
      url,
      {
        schema: {
          hide: position > 0,
          operationId: "queryRoute",
          summary: "Query a route",
          description:
            "The body depends on the route's type: chat takes `messages`, completions a `prompt`, embeddings " +
            "`text`. Pick the example of the route's type; also at `/gateway/routes/{name}` and `/query/{name}`.",
          tags: ["MLflow AI Gateway"],
          params: routeNameParams("name", "The route to query.", "chat"),
          body: jsonBody("MlflowQueryRequest", MLFLOW_QUERY_EXAMPLES),
          headers: ATTRIBUTION_HEADERS,
          response: {
            200: jsonResponse(
              "The answer, shaped by the route's type.",
              "MlflowQueryResponse",
              MLFLOW_ANSWER_EXAMPLES,
            ),
            ...errorResponses(mlflowErrorFormat, allErrorsBut(mlflowErrorFormat, [501])),
          },
        },
      },
      async (request, reply) => {
        const table = holder.current;
        const route = table.get(request.params.name);
        if (route === undefined) throw routeNotFound(request.params.name);
        const observation = observeRoute(reply, "mlflow", route);
        return holder.serve(
          table,
          route,
          request.principal,
          async () => {
            const canonical = decodeMlflowRequest(route.operation, request.body);
            const { response, target, upstreamMs } = await executeRoute(
              route,
              route.operation,
              canonical,
              clientAbortSignal(reply.raw),
              attemptRecorder(request),
            );
            observation.upstreamMs = upstreamMs;
            observation.usage = response.usage;
            const finish = canonicalFinish(response);
            observation.finishReasons = finish.reasons;
            if (finish.model !== undefined) observation.responseModel = finish.model;
            return encodeMlflowResponse(
              route.operation,
              response,
              route.type,
              response.model || target.upstream.model,
            );
          },
          observation.call,
        );
      },
    );
  }
}
