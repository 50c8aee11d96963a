import {
  chatRequestSchema,
  completionsRequestSchema,
  embeddingsRequestSchema,
} from "../../dialects/mlflow/request-schemas.js";
import type { JsonSchema } from "../error-format.js";
import { jsonSchemaOf } from "./json-schema-of.js";
import { type Example, ref } from "./operation-docs.js";

/**
 * The MLflow AI Gateway API in the OpenAPI document: request bodies per route type (generated from the zod
 * schemas that validate them), responses, route objects. Examples query the routes of examples/switchyard.yaml.
 */

const SAMPLING_DESCRIPTIONS = {
  temperature: "0 to 1 (default 0), mapped to each provider's range.",
  candidate_count: "How many candidates to generate (default 1); `n` is refused, as in MLflow.",
  max_tokens: "Most tokens to generate.",
  stop: "Sequences that end generation.",
};

/** The route defines the model; MLflow's name for OpenAI's `n` is `candidate_count`. */
const REFUSED = { not: { anyOf: [{ required: ["model"] }, { required: ["n"] }] } };

const nullableCount = { type: ["integer", "null"], minimum: 0 };

const metadata = (routeType: string): JsonSchema => ({
  type: "object",
  properties: {
    input_tokens: nullableCount,
    output_tokens: nullableCount,
    total_tokens: nullableCount,
    model: { type: "string", description: "The model that answered, as the provider names it." },
    route_type: { const: routeType },
  },
  required: ["input_tokens", "output_tokens", "total_tokens", "model", "route_type"],
  additionalProperties: false,
});

const finishMetadata: JsonSchema = {
  type: "object",
  properties: {
    finish_reason: { enum: ["stop", "length", "tool_calls", "content_filter", null] },
  },
  required: ["finish_reason"],
  additionalProperties: false,
};

const toolCall: JsonSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    type: { const: "function" },
    function: {
      type: "object",
      properties: { name: { type: "string" }, arguments: { type: "string" } },
      required: ["name", "arguments"],
      additionalProperties: false,
    },
  },
  required: ["id", "type", "function"],
  additionalProperties: false,
};

export const routeHealth: JsonSchema = {
  type: "object",
  description: "Each target of the route and the state of its circuit breaker.",
  properties: {
    targets: {
      type: "array",
      items: {
        type: "object",
        properties: {
          target: { type: "string", description: "provider/model" },
          circuit: { enum: ["closed", "open", "half_open", "recovering"] },
        },
        required: ["target", "circuit"],
        additionalProperties: false,
      },
    },
  },
  required: ["targets"],
  additionalProperties: false,
};

export const routeType = { enum: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"] };
export const routeModel: JsonSchema = {
  type: "object",
  properties: { name: { type: "string" }, provider: { type: "string" } },
  required: ["name", "provider"],
  additionalProperties: false,
};

export const MLFLOW_SCHEMAS: Record<string, JsonSchema> = {
  MlflowChatRequest: {
    title: "Chat query (llm/v1/chat)",
    ...jsonSchemaOf(chatRequestSchema, { describe: SAMPLING_DESCRIPTIONS }),
    ...REFUSED,
  },
  MlflowCompletionsRequest: {
    title: "Completions query (llm/v1/completions)",
    ...jsonSchemaOf(completionsRequestSchema, { describe: SAMPLING_DESCRIPTIONS }),
    ...REFUSED,
  },
  MlflowEmbeddingsRequest: {
    title: "Embeddings query (llm/v1/embeddings)",
    description: "Exactly one of `text` and `texts` (the same thing under two names).",
    ...jsonSchemaOf(embeddingsRequestSchema),
    oneOf: [{ required: ["text"] }, { required: ["texts"] }],
    not: { required: ["model"] },
  },
  MlflowQueryRequest: {
    description:
      "The body depends on the route's type: chat takes `messages`, completions a `prompt`, embeddings `text`.",
    anyOf: [ref("MlflowChatRequest"), ref("MlflowCompletionsRequest"), ref("MlflowEmbeddingsRequest")],
  },
  MlflowChatResponse: {
    title: "Chat answer",
    type: "object",
    properties: {
      candidates: {
        type: "array",
        items: {
          type: "object",
          properties: {
            message: {
              type: "object",
              properties: {
                role: { const: "assistant" },
                content: { type: ["string", "null"] },
                tool_calls: { type: "array", items: toolCall, description: "Not in MLflow's contract." },
              },
              required: ["role", "content"],
              additionalProperties: false,
            },
            metadata: finishMetadata,
          },
          required: ["message", "metadata"],
          additionalProperties: false,
        },
      },
      metadata: metadata("llm/v1/chat"),
    },
    required: ["candidates", "metadata"],
    additionalProperties: false,
  },
  MlflowCompletionsResponse: {
    title: "Completions answer",
    type: "object",
    properties: {
      candidates: {
        type: "array",
        items: {
          type: "object",
          properties: { text: { type: "string" }, metadata: finishMetadata },
          required: ["text", "metadata"],
          additionalProperties: false,
        },
      },
      metadata: metadata("llm/v1/completions"),
    },
    required: ["candidates", "metadata"],
    additionalProperties: false,
  },
  MlflowEmbeddingsResponse: {
    title: "Embeddings answer",
    type: "object",
    properties: {
      embeddings: { type: "array", items: { type: "array", items: { type: "number" } } },
      metadata: metadata("llm/v1/embeddings"),
    },
    required: ["embeddings", "metadata"],
    additionalProperties: false,
  },
  MlflowQueryResponse: {
    description: "The answer's shape follows the route's type (`metadata.route_type`).",
    oneOf: [ref("MlflowChatResponse"), ref("MlflowCompletionsResponse"), ref("MlflowEmbeddingsResponse")],
  },
  MlflowRoute: {
    type: "object",
    description: "A route. Never its provider config, so never a key.",
    properties: {
      name: { type: "string" },
      route_type: routeType,
      model: routeModel,
      route_url: { type: "string", description: "`/gateway/{name}/invocations`" },
      health: routeHealth,
    },
    required: ["name", "route_type", "model", "route_url", "health"],
    additionalProperties: false,
  },
  MlflowRouteList: {
    type: "object",
    properties: {
      routes: { type: "array", items: ref("MlflowRoute") },
      next_page_token: { type: ["string", "null"], description: "Pass as `page_token` for the next page." },
    },
    required: ["routes", "next_page_token"],
    additionalProperties: false,
  },
  MlflowLimit: {
    type: "object",
    description: "A request limit in MLflow's form: `calls` requests per `renewal_period`.",
    properties: {
      calls: { type: "integer", minimum: 1 },
      key: { type: "null", description: "Always null: per-key limits are configured with `limits.per_key`." },
      renewal_period: { enum: ["second", "minute", "hour", "day", "month", "year"] },
    },
    required: ["calls", "renewal_period"],
    additionalProperties: false,
  },
  MlflowLimits: {
    type: "object",
    properties: { limits: { type: "array", items: ref("MlflowLimit") } },
    required: ["limits"],
    additionalProperties: false,
  },
  MlflowSetLimitsRequest: {
    type: "object",
    properties: {
      route: { type: "string", minLength: 1, description: "The route whose request limits to replace." },
      limits: {
        type: "array",
        items: ref("MlflowLimit"),
        maxItems: 6,
        description: "At most one per renewal period; `[]` removes the route's request limits.",
      },
    },
    required: ["route", "limits"],
  },
  Health: {
    type: "object",
    properties: { status: { const: "OK" } },
    required: ["status"],
    additionalProperties: false,
  },
  Readiness: {
    type: "object",
    description: "Whether the gateway can serve, and each readiness check's outcome.",
    properties: {
      status: { enum: ["ready", "not ready"] },
      checks: {
        type: "object",
        description: "Each check by name (`config`, and e.g. `governance`): `ok`, or why it failed.",
        properties: { config: { type: "string" } },
        required: ["config"],
        additionalProperties: { type: "string" },
        examples: [{ config: "ok", governance: "no answer within 2000 ms" }],
      },
    },
    required: ["status", "checks"],
    additionalProperties: false,
  },
};

/** Request examples, keyed by the example config's route each one queries. */
export const MLFLOW_QUERY_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "Chat (route 'chat', llm/v1/chat)",
    value: { messages: [{ role: "user", content: "Hello!" }], temperature: 0.2, max_tokens: 100 },
  },
  completions: {
    summary: "Completions (route 'completions', llm/v1/completions)",
    value: { prompt: "Once upon a time", max_tokens: 50, stop: ["\n\n"] },
  },
  embeddings: {
    summary: "Embeddings (route 'embeddings', llm/v1/embeddings)",
    value: { text: ["one", "two"] },
  },
};

const usage = (input: number, output: number | null, model: string, type: string) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: output === null ? input : input + output,
  model,
  route_type: type,
});

export const MLFLOW_ANSWER_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "Chat",
    value: {
      candidates: [
        {
          message: { role: "assistant", content: "Hello! How can I help?" },
          metadata: { finish_reason: "stop" },
        },
      ],
      metadata: usage(9, 6, "gpt-4o-mini-2024-07-18", "llm/v1/chat"),
    },
  },
  completions: {
    summary: "Completions",
    value: {
      candidates: [{ text: ", there was a switchyard.", metadata: { finish_reason: "stop" } }],
      metadata: usage(4, 7, "gpt-3.5-turbo-instruct", "llm/v1/completions"),
    },
  },
  embeddings: {
    summary: "Embeddings",
    value: {
      embeddings: [
        [0.12, -0.03, 0.5],
        [0.07, 0.21, -0.4],
      ],
      metadata: usage(2, null, "text-embedding-3-small", "llm/v1/embeddings"),
    },
  },
};
