import { responsesRequestSchema } from "../../dialects/openai-responses/request-schema.js";
import type { JsonSchema } from "../error-format.js";
import { jsonSchemaOf } from "./json-schema-of.js";
import { type Example, ref } from "./operation-docs.js";

/**
 * OpenAI's Responses API (`/v1/responses`) in the OpenAPI document. The request body comes from the zod schema
 * that validates it (items and tools are checked by the decoder; any other key is relayed to OpenAI targets).
 * Responses are OpenAI's Response object and stream events: the gateway's own encoding, or OpenAI's bytes
 * passed through, which may carry more fields, items and event types than listed here.
 */

const usage: JsonSchema = {
  type: "object",
  properties: {
    input_tokens: { type: "integer" },
    input_tokens_details: { type: "object", properties: { cached_tokens: { type: "integer" } } },
    output_tokens: { type: "integer" },
    output_tokens_details: { type: "object", properties: { reasoning_tokens: { type: "integer" } } },
    total_tokens: { type: "integer" },
  },
  required: ["input_tokens", "output_tokens", "total_tokens"],
};

const outputItem: JsonSchema = {
  type: "object",
  description:
    "`message` (`output_text` parts), `function_call` (`call_id`, `name`, `arguments`), `reasoning` (`summary`, and `encrypted_content` when `include` asks for it), or (relayed from OpenAI) a built-in tool's item.",
  properties: { type: { type: "string" }, id: { type: "string" } },
  required: ["type"],
};

export const RESPONSES_SCHEMAS: Record<string, JsonSchema> = {
  OpenAIResponseRequest: jsonSchemaOf(responsesRequestSchema, {
    describe: {
      model: "The route to query (an llm/v1/chat route), or one of its `aliases` (e.g. `gpt-5-codex`).",
      input: "A string (one user message), or items: messages, function calls and their outputs, reasoning.",
      store: "Keep the response in the gateway's store (`responses.store`) for `previous_response_id`.",
      previous_response_id: "Continue a stored response; needs the gateway's response store.",
      stream: "Stream the answer as Responses events.",
    },
  }),
  OpenAIResponse: {
    type: "object",
    description: "A `response` object.",
    properties: {
      id: { type: "string" },
      object: { const: "response" },
      created_at: { type: "integer" },
      status: { enum: ["completed", "incomplete", "failed", "in_progress", "queued", "cancelled"] },
      model: { type: "string" },
      output: { type: "array", items: outputItem },
      error: { type: ["object", "null"] },
      incomplete_details: { type: ["object", "null"] },
      usage,
      store: { type: "boolean" },
      previous_response_id: { type: ["string", "null"] },
    },
    required: ["id", "object", "created_at", "status", "model", "output"],
  },
  OpenAIResponseStreamEvent: {
    type: "object",
    description:
      "An event of a Responses stream (`response.created`, `response.output_item.added`, `response.output_text.delta`, `response.function_call_arguments.delta`, ..., `response.completed` with the whole response and its usage, or `response.incomplete`); each with its `sequence_number`.",
    properties: {
      type: { type: "string", pattern: "^response\\." },
      sequence_number: { type: "integer" },
      response: ref("OpenAIResponse"),
    },
    required: ["type", "sequence_number"],
  },
  OpenAIResponseErrorEvent: {
    type: "object",
    description:
      "A broken stream's `error` event (followed by `response.failed` with the response so far, its cut items `incomplete`).",
    properties: {
      type: { const: "error" },
      code: { type: ["string", "null"] },
      message: { type: "string" },
      param: { type: ["string", "null"] },
      sequence_number: { type: "integer" },
    },
    required: ["type", "message", "sequence_number"],
  },
  OpenAIResponseInputItemList: {
    type: "object",
    description: "A page of a stored response's input items, newest first unless `order=asc`.",
    properties: {
      object: { const: "list" },
      data: {
        type: "array",
        items: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      },
      first_id: { type: ["string", "null"] },
      last_id: { type: ["string", "null"] },
      has_more: { type: "boolean" },
    },
    required: ["object", "data", "first_id", "last_id", "has_more"],
  },
  OpenAIResponseDeleted: {
    type: "object",
    properties: {
      id: { type: "string" },
      object: { const: "response.deleted" },
      deleted: { const: true },
    },
    required: ["id", "object", "deleted"],
    additionalProperties: false,
  },
};

export const RESPONSES_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "A response on route 'chat'",
    value: { model: "chat", instructions: "Be terse.", input: "Hello!", store: false },
  },
  "chat-stream": {
    summary: "A streamed response",
    value: { model: "chat", input: "Tell me about switchyards.", stream: true, store: false },
  },
};
