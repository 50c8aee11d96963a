import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

/**
 * The OpenAPI document (`/openapi.json`) and Swagger UI (`/docs`), served from the package's own files so
 * they work offline. Must be registered before the API routes, which it collects as they are added.
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Switchyard",
        description:
          "An AI gateway. Routes are defined in the gateway's YAML config; provider keys stay in the gateway.",
        version,
      },
      components: {
        securitySchemes: {
          gatewayKey: {
            type: "http",
            scheme: "bearer",
            description: "A gateway key (sk-sy-…); 'x-api-key' and 'api-key' headers are accepted too.",
          },
          masterKey: {
            type: "http",
            scheme: "bearer",
            description: "A master key (governance.admin.master_keys).",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", uiConfig: { url: "/openapi.json" } });
  app.get("/openapi.json", { config: { surface: "openapi" }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
