import type { FastifyInstance } from "fastify";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { ANY_REQUEST_ERRORS, errorResponses, jsonResponse } from "./openapi/operation-docs.js";

/** `GET /health` for load balancers and probes, and `GET /` sending people to the interactive docs. */
export function registerHealth(app: FastifyInstance): void {
  app.get(
    "/health",
    {
      config: { surface: "health" },
      schema: {
        operationId: "health",
        summary: "Health check",
        tags: ["Gateway"],
        response: {
          200: jsonResponse("The gateway answers.", "Health"),
          ...errorResponses(mlflowErrorFormat, ANY_REQUEST_ERRORS),
        },
      },
    },
    async () => ({ status: "OK" }),
  );
  app.get("/", { config: { surface: "health" }, schema: { hide: true } }, async (_request, reply) =>
    reply.redirect("/docs", 307),
  );
}
