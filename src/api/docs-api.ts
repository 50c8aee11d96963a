import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { OPENAPI_COMPONENT_SCHEMAS } from "./openapi/openapi-components.js";

/**
 * The OpenAPI document (`/openapi.json`) and Swagger UI (`/docs`), served from the package's own files so
 * they work offline. Must be registered before the API routes, which it collects as they are added; each route
 * documents itself (openapi/operation-docs.ts) with the named schemas of openapi-components.ts. The document
 * is the same whatever the config: it never shows a route's settings, so never a key.
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Switchyard",
        description:
          "An AI gateway. Routes are defined in the gateway's YAML config; provider keys stay in the gateway. " +
          "The examples query the routes of the example config (`chat`, `completions`, `embeddings`).",
        version,
      },
      tags: [
        {
          name: "MLflow AI Gateway",
          description: 'MLflow\'s gateway API: routes and queries. Errors: `{"detail"}`.',
        },
        {
          name: "MLflow deployments API",
          description: 'MLflow 2.9+ endpoints, with OpenAI-shaped bodies. Errors: `{"detail"}`.',
        },
        {
          name: "OpenAI-compatible API",
          description:
            "Any OpenAI SDK with base URL `{gateway}/v1`; `model` names a route. Errors: OpenAI's envelope.",
        },
        {
          name: "OpenAI Responses API",
          description:
            "OpenAI's Responses API (Codex, the OpenAI Agents SDK) over every chat route; `model` names a route or an alias. Errors: OpenAI's envelope.",
        },
        {
          name: "Anthropic Messages API",
          description:
            "Anthropic's Messages API (Claude Code, the Anthropic SDKs: base URL `{gateway}`) over every chat route; `model` names a route or an alias. Errors: Anthropic's envelope.",
        },
        { name: "Gateway", description: "Health and metrics." },
        {
          name: "Admin API",
          description:
            "Gateway keys, groups, orgs and the audit log, with a master key (`governance.admin.master_keys`). Errors: OpenAI's envelope.",
        },
      ],
      components: {
        schemas: OPENAPI_COMPONENT_SCHEMAS,
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
