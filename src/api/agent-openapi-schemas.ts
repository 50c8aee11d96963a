import { z } from "zod";
import {
  countTokensRequestSchema,
  messagesRequestSchema,
} from "../dialects/anthropic/messages-request-schema.js";
import { responsesRequestSchema } from "../dialects/openai-responses/request-schema.js";

/**
 * The OpenAPI documentation of the APIs coding agents speak (Anthropic's Messages API, OpenAI's Responses API),
 * each under its own tag. Request schemas are generated from the zod schemas that validate translated requests;
 * documentation only (validation happens in the dialect, serialisation is plain JSON).
 */
export const ANTHROPIC_TAGS = ["Anthropic Messages API"];
export const RESPONSES_TAGS = ["OpenAI Responses API"];

const toJsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
};

const anthropicError = {
  type: "object",
  properties: {
    type: { type: "string", enum: ["error"] },
    error: { type: "object", properties: { type: { type: "string" }, message: { type: "string" } } },
  },
};

const openAIError = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        message: { type: "string" },
        type: { type: "string" },
        param: { type: ["string", "null"] },
        code: { type: ["string", "null"] },
      },
    },
  },
};

export const messagesRouteSchema = {
  tags: ANTHROPIC_TAGS,
  summary: "Create a message",
  description:
    "Anthropic's Messages API (`model` is a route name or alias). Relayed as it is to Anthropic targets; translated for others. With `stream: true`, answers Server-Sent Events in Anthropic's format.",
  body: toJsonSchema(messagesRequestSchema),
  response: {
    200: { description: "A Message, or an event stream", type: "object", additionalProperties: true },
    "4xx": { description: "Anthropic's error envelope", ...anthropicError },
    "5xx": { description: "Anthropic's error envelope", ...anthropicError },
  },
};

export const countTokensRouteSchema = {
  tags: ANTHROPIC_TAGS,
  summary: "Count the tokens of a message",
  description:
    "Counted by Anthropic for Anthropic targets; estimated with the o200k_base tokenizer for other targets.",
  body: toJsonSchema(countTokensRequestSchema),
  response: {
    200: { type: "object", properties: { input_tokens: { type: "integer" } } },
    "4xx": { description: "Anthropic's error envelope", ...anthropicError },
  },
};

export const createResponseRouteSchema = {
  tags: RESPONSES_TAGS,
  summary: "Create a response",
  description:
    "OpenAI's Responses API (`model` is a route name or alias). Relayed to OpenAI targets; translated for others. `previous_response_id` needs the gateway's response store (`server.responses_store`).",
  body: toJsonSchema(responsesRequestSchema),
  response: {
    200: { description: "A Response, or an event stream", type: "object", additionalProperties: true },
    "4xx": { description: "OpenAI's error envelope", ...openAIError },
    "5xx": { description: "OpenAI's error envelope", ...openAIError },
  },
};

const responseIdParams = {
  type: "object",
  properties: { response_id: { type: "string" } },
  required: ["response_id"],
};

export const getResponseRouteSchema = {
  tags: RESPONSES_TAGS,
  summary: "Retrieve a stored response",
  params: responseIdParams,
  response: {
    200: { type: "object", additionalProperties: true },
    "4xx": { description: "OpenAI's error envelope", ...openAIError },
  },
};

export const deleteResponseRouteSchema = {
  tags: RESPONSES_TAGS,
  summary: "Delete a stored response",
  params: responseIdParams,
  response: {
    200: {
      type: "object",
      properties: { id: { type: "string" }, object: { type: "string" }, deleted: { type: "boolean" } },
    },
    "4xx": { description: "OpenAI's error envelope", ...openAIError },
  },
};

export const inputItemsRouteSchema = {
  tags: RESPONSES_TAGS,
  summary: "List a stored response's input items",
  params: responseIdParams,
  response: {
    200: { type: "object", additionalProperties: true },
    "4xx": { description: "OpenAI's error envelope", ...openAIError },
  },
};
