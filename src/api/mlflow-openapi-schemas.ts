import { z } from "zod";
import {
  chatRequestSchema,
  completionsRequestSchema,
  embeddingsRequestSchema,
} from "../dialects/mlflow/request-schemas.js";

/**
 * JSON Schemas for the OpenAPI document of the MLflow API. Request schemas are generated from the same zod
 * schemas that validate requests, so the document cannot drift from the behaviour. Used for documentation
 * only: validation happens in the dialect, serialisation is plain JSON.
 */
const toJsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
};

export const queryBodySchema = {
  oneOf: [
    { title: "Chat (llm/v1/chat)", ...toJsonSchema(chatRequestSchema) },
    { title: "Completions (llm/v1/completions)", ...toJsonSchema(completionsRequestSchema) },
    { title: "Embeddings (llm/v1/embeddings)", ...toJsonSchema(embeddingsRequestSchema) },
  ],
};

const metadataSchema = {
  type: "object",
  properties: {
    input_tokens: { type: ["integer", "null"] },
    output_tokens: { type: ["integer", "null"] },
    total_tokens: { type: ["integer", "null"] },
    model: { type: "string" },
    route_type: { type: "string" },
  },
};

const finishMetadata = { type: "object", properties: { finish_reason: { type: ["string", "null"] } } };

export const queryResponseSchema = {
  oneOf: [
    {
      title: "Chat",
      type: "object",
      properties: {
        candidates: {
          type: "array",
          items: {
            type: "object",
            properties: {
              message: {
                type: "object",
                properties: { role: { type: "string" }, content: { type: ["string", "null"] } },
              },
              metadata: finishMetadata,
            },
          },
        },
        metadata: metadataSchema,
      },
    },
    {
      title: "Completions",
      type: "object",
      properties: {
        candidates: {
          type: "array",
          items: { type: "object", properties: { text: { type: "string" }, metadata: finishMetadata } },
        },
        metadata: metadataSchema,
      },
    },
    {
      title: "Embeddings",
      type: "object",
      properties: {
        embeddings: { type: "array", items: { type: "array", items: { type: "number" } } },
        metadata: metadataSchema,
      },
    },
  ],
};

export const routeObjectSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    route_type: { type: "string", enum: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"] },
    model: { type: "object", properties: { name: { type: "string" }, provider: { type: "string" } } },
    route_url: { type: "string" },
    health: {
      type: "object",
      description: "Each target of the route and the state of its circuit breaker.",
      properties: {
        targets: {
          type: "array",
          items: {
            type: "object",
            properties: {
              target: { type: "string", description: "provider/model" },
              circuit: { type: "string", enum: ["closed", "open", "half_open", "recovering"] },
            },
          },
        },
      },
    },
  },
};

export const routeListSchema = {
  type: "object",
  properties: {
    routes: { type: "array", items: routeObjectSchema },
    next_page_token: { type: ["string", "null"] },
  },
};
