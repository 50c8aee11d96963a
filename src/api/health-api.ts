import type { FastifyInstance } from "fastify";

/** `GET /health` for load balancers and probes, and `GET /` sending people to the interactive docs. */
export function registerHealth(app: FastifyInstance): void {
  app.get(
    "/health",
    {
      config: { surface: "health" },
      schema: {
        summary: "Health check",
        tags: ["Gateway"],
        response: { 200: { type: "object", properties: { status: { type: "string", enum: ["OK"] } } } },
      },
    },
    async () => ({ status: "OK" }),
  );
  app.get("/", { config: { surface: "health" }, schema: { hide: true } }, async (_request, reply) =>
    reply.redirect("/docs", 307),
  );
}
