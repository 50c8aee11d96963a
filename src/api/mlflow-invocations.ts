import type { FastifyInstance } from "fastify";
import { decodeMlflowRequest } from "../dialects/mlflow/request-decoder.js";
import { encodeMlflowResponse } from "../dialects/mlflow/response-encoder.js";
import { executeRoute } from "../routing/execute-route.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { refuseOtherMethods } from "./method-not-allowed.js";
import { queryBodySchema, queryResponseSchema } from "./mlflow-openapi-schemas.js";
import { routeNotFound } from "./mlflow-route-info.js";
import { attemptRecorder, observeRoute } from "./request-observation.js";

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
          summary: "Query a route",
          description:
            "The body depends on the route's type: chat takes messages, completions a prompt, embeddings text.",
          tags: ["MLflow AI Gateway"],
          params: { type: "object", properties: { name: { type: "string" } } },
          body: queryBodySchema,
          response: { 200: queryResponseSchema },
        },
      },
      async (request, reply) => {
        const table = holder.current;
        const route = table.get(request.params.name);
        if (route === undefined) throw routeNotFound(request.params.name);
        const observation = observeRoute(request, "mlflow", route);
        return holder.serve(
          table,
          route,
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
    // `/gateway/routes/{name}` also answers GET (route information), so only the others are refused there.
    refuseOtherMethods(app, url, position === 1 ? ["GET", "POST"] : ["POST"]);
  }
}
