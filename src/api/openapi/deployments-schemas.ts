import type { JsonSchema } from "../error-format.js";
import { routeHealth, routeModel, routeType } from "./mlflow-schemas.js";
import { OPENAI_SCHEMAS } from "./openai-schemas.js";
import { type Example, ref } from "./operation-docs.js";

/**
 * MLflow's deployments API in the OpenAPI document: endpoints are routes, queries take OpenAI's bodies without
 * `model` (the endpoint in the path names it) and answer OpenAI's objects.
 */

/** An OpenAI request body without `model`, which the endpoint defines (and a query may not give). */
function withoutModel(name: string, title: string, extra: JsonSchema = {}): JsonSchema {
  const schema = OPENAI_SCHEMAS[name] as JsonSchema;
  const { model: _model, ...properties } = schema.properties as Record<string, JsonSchema>;
  const required = (schema.required as string[]).filter((key) => key !== "model");
  return {
    ...schema,
    title,
    properties: { ...properties, ...extra },
    required,
    not: { required: ["model"] },
  };
}

const temperature = {
  temperature: {
    description: "0 to 2; 0 when absent, as in MLflow.",
    type: ["number", "null"],
    minimum: 0,
    maximum: 2,
  },
};

export const DEPLOYMENTS_SCHEMAS: Record<string, JsonSchema> = {
  DeploymentsChatRequest: withoutModel(
    "OpenAIChatCompletionRequest",
    "Chat query (llm/v1/chat)",
    temperature,
  ),
  DeploymentsCompletionsRequest: withoutModel(
    "OpenAICompletionRequest",
    "Completions query (llm/v1/completions)",
    temperature,
  ),
  DeploymentsEmbeddingsRequest: withoutModel(
    "OpenAIEmbeddingRequest",
    "Embeddings query (llm/v1/embeddings)",
  ),
  DeploymentsQueryRequest: {
    description:
      "The body depends on the endpoint's type: chat takes `messages`, completions a `prompt`, embeddings `input`.",
    anyOf: [
      ref("DeploymentsChatRequest"),
      ref("DeploymentsCompletionsRequest"),
      ref("DeploymentsEmbeddingsRequest"),
    ],
  },
  DeploymentsQueryResponse: {
    description: "OpenAI's object for the endpoint's type.",
    oneOf: [ref("OpenAIChatCompletion"), ref("OpenAITextCompletion"), ref("OpenAIEmbeddingList")],
  },
  DeploymentsQueryChunk: {
    description: "A chunk of a streamed chat or completions query.",
    oneOf: [ref("OpenAIChatCompletionChunk"), ref("OpenAITextCompletionChunk")],
  },
  DeploymentsEndpoint: {
    type: "object",
    description: "A route, as MLflow's deployments API shows it. Never its provider config.",
    properties: {
      name: { type: "string" },
      endpoint_type: routeType,
      model: routeModel,
      endpoint_url: { type: "string", description: "`/endpoints/{name}/invocations`" },
      limit: {
        description: "The route's request limit in MLflow's form (the first, when several are set), or null.",
        anyOf: [{ type: "null" }, ref("MlflowLimit")],
      },
      health: routeHealth,
    },
    required: ["name", "endpoint_type", "model", "endpoint_url", "limit", "health"],
    additionalProperties: false,
  },
  DeploymentsEndpointList: {
    type: "object",
    properties: {
      endpoints: { type: "array", items: ref("DeploymentsEndpoint") },
      next_page_token: { type: ["string", "null"], description: "Pass as `page_token` for the next page." },
    },
    required: ["endpoints", "next_page_token"],
    additionalProperties: false,
  },
};

export const DEPLOYMENTS_QUERY_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "Chat (endpoint 'chat')",
    value: { messages: [{ role: "user", content: "Hello!" }], max_tokens: 100 },
  },
  completions: {
    summary: "Completions (endpoint 'completions')",
    value: { prompt: "Once upon a time", max_tokens: 50 },
  },
  embeddings: { summary: "Embeddings (endpoint 'embeddings')", value: { input: ["one", "two"] } },
};
