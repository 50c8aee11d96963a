import { chatRequestSchema } from "../../dialects/openai/chat-request-schema.js";
import { completionsRequestSchema } from "../../dialects/openai/completions-request-decoder.js";
import { embeddingsRequestSchema } from "../../dialects/openai/embeddings-request-decoder.js";
import type { JsonSchema } from "../error-format.js";
import { jsonSchemaOf } from "./json-schema-of.js";
import type { Example } from "./operation-docs.js";

/**
 * The OpenAI-compatible API (`/v1`) in the OpenAPI document. Request bodies come from the zod schemas that
 * validate them (fields the gateway does not map are forwarded, so any other key is allowed). Responses are
 * OpenAI's objects: the gateway's own encoding, or an OpenAI-shaped provider's bytes passed through, which may
 * carry more fields than listed here.
 */

const routeDescription = (type: string) => `The route to query (an ${type} route), in place of a model name.`;

const SAMPLING_DESCRIPTIONS = {
  temperature: "0 to 2, mapped linearly to each provider's range.",
  max_tokens: "Most tokens to generate.",
  n: "How many choices to generate.",
  stream: "Stream the answer as Server-Sent Events.",
  stream_options: "`include_usage`: a last chunk with the token counts.",
};

const usage: JsonSchema = {
  type: "object",
  properties: {
    prompt_tokens: { type: "integer" },
    completion_tokens: { type: "integer" },
    total_tokens: { type: "integer" },
  },
  required: ["prompt_tokens", "completion_tokens", "total_tokens"],
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
    },
  },
  required: ["id", "type", "function"],
};

const toolCallDelta: JsonSchema = {
  type: "object",
  properties: {
    index: { type: "integer" },
    id: { type: "string" },
    type: { const: "function" },
    function: { type: "object", properties: { name: { type: "string" }, arguments: { type: "string" } } },
  },
  required: ["index"],
};

const chatFinishReason = { enum: ["stop", "length", "tool_calls", "content_filter", "function_call"] };
const completionFinishReason = { enum: ["stop", "length", "content_filter"] };
const logprobs = { type: ["object", "null"] };

const tokenIds: JsonSchema = { type: "array", items: { type: "integer", minimum: 0 }, minItems: 1 };
const textOrTokenIds: JsonSchema = { anyOf: [{ type: "string" }, tokenIds] };
/** A reasoning model's thinking, whatever the provider calls it (DeepSeek's field, which OpenAI SDKs pass on). */
const reasoningContent: JsonSchema = {
  type: ["string", "null"],
  description: "The model's reasoning (its thinking), apart from the answer.",
};

export const OPENAI_SCHEMAS: Record<string, JsonSchema> = {
  OpenAIChatCompletionRequest: jsonSchemaOf(chatRequestSchema, {
    describe: {
      model: routeDescription("llm/v1/chat"),
      messages: "The conversation: system, developer, user, assistant and tool messages.",
      ...SAMPLING_DESCRIPTIONS,
    },
  }),
  OpenAICompletionRequest: jsonSchemaOf(completionsRequestSchema, {
    replace: {
      prompt: {
        description:
          "A prompt (a string or token ids), or several (strings or token-id arrays), answered together with one choice per prompt. Token ids are cl100k_base ids: relayed to a provider that takes ids, decoded to text for the others.",
        anyOf: [{ type: "string" }, tokenIds, { type: "array", items: textOrTokenIds, minItems: 1 }],
      },
    },
    describe: { model: routeDescription("llm/v1/completions"), ...SAMPLING_DESCRIPTIONS },
  }),
  OpenAIEmbeddingRequest: jsonSchemaOf(embeddingsRequestSchema, {
    replace: {
      input: {
        description:
          "A text or token ids, or an array of texts or token-id arrays (LangChain's OpenAIEmbeddings sends ids). Token ids are cl100k_base ids: relayed to a provider that takes ids, decoded to text for the others.",
        anyOf: [{ type: "string" }, tokenIds, { type: "array", items: textOrTokenIds, minItems: 1 }],
      },
    },
    describe: {
      model: routeDescription("llm/v1/embeddings"),
      encoding_format: "`float` (default) or `base64` (little-endian float32, the SDKs' default).",
    },
  }),
  OpenAIChatCompletion: {
    type: "object",
    description: "A `chat.completion` object.",
    properties: {
      id: { type: "string" },
      object: { const: "chat.completion" },
      created: { type: "integer" },
      model: { type: "string" },
      choices: {
        type: "array",
        items: {
          type: "object",
          properties: {
            index: { type: "integer" },
            message: {
              type: "object",
              properties: {
                role: { const: "assistant" },
                content: { type: ["string", "null"] },
                reasoning_content: reasoningContent,
                refusal: { type: ["string", "null"] },
                tool_calls: { type: "array", items: toolCall },
              },
              required: ["role", "content"],
            },
            logprobs,
            finish_reason: chatFinishReason,
          },
          required: ["index", "message", "finish_reason"],
        },
      },
      usage,
    },
    required: ["id", "object", "created", "model", "choices"],
  },
  OpenAIChatCompletionChunk: {
    type: "object",
    description: "A `chat.completion.chunk` of a stream.",
    properties: {
      id: { type: "string" },
      object: { const: "chat.completion.chunk" },
      created: { type: "integer" },
      model: { type: "string" },
      choices: {
        type: "array",
        items: {
          type: "object",
          properties: {
            index: { type: "integer" },
            delta: {
              type: "object",
              properties: {
                role: { const: "assistant" },
                content: { type: ["string", "null"] },
                reasoning_content: reasoningContent,
                refusal: { type: ["string", "null"] },
                tool_calls: { type: "array", items: toolCallDelta },
              },
            },
            logprobs,
            finish_reason: { anyOf: [chatFinishReason, { type: "null" }] },
          },
          required: ["index", "delta"],
        },
      },
      usage: { anyOf: [usage, { type: "null" }] },
    },
    required: ["id", "object", "created", "model", "choices"],
  },
  OpenAITextCompletion: {
    type: "object",
    description: "A `text_completion` object.",
    properties: {
      id: { type: "string" },
      object: { const: "text_completion" },
      created: { type: "integer" },
      model: { type: "string" },
      choices: {
        type: "array",
        items: {
          type: "object",
          properties: {
            index: { type: "integer" },
            text: { type: "string" },
            logprobs,
            finish_reason: completionFinishReason,
          },
          required: ["index", "text", "finish_reason"],
        },
      },
      usage,
    },
    required: ["id", "object", "created", "model", "choices"],
  },
  OpenAITextCompletionChunk: {
    type: "object",
    description: "A `text_completion` chunk of a stream.",
    properties: {
      id: { type: "string" },
      object: { const: "text_completion" },
      created: { type: "integer" },
      model: { type: "string" },
      choices: {
        type: "array",
        items: {
          type: "object",
          properties: {
            index: { type: "integer" },
            text: { type: "string" },
            logprobs,
            finish_reason: { anyOf: [completionFinishReason, { type: "null" }] },
          },
          required: ["index", "text"],
        },
      },
      usage: { anyOf: [usage, { type: "null" }] },
    },
    required: ["id", "object", "created", "model", "choices"],
  },
  OpenAIEmbeddingList: {
    type: "object",
    description: "A list of `embedding` objects.",
    properties: {
      object: { const: "list" },
      data: {
        type: "array",
        items: {
          type: "object",
          properties: {
            object: { const: "embedding" },
            index: { type: "integer" },
            embedding: {
              description: "Numbers, or base64 of little-endian float32 for `encoding_format: base64`.",
              anyOf: [{ type: "array", items: { type: "number" } }, { type: "string" }],
            },
          },
          required: ["object", "index", "embedding"],
        },
      },
      model: { type: "string" },
      usage: {
        type: "object",
        properties: { prompt_tokens: { type: "integer" }, total_tokens: { type: "integer" } },
        required: ["prompt_tokens", "total_tokens"],
      },
    },
    required: ["object", "data", "model", "usage"],
  },
  OpenAIModel: {
    type: "object",
    description: "A route, as an OpenAI model object: pass its `id` as `model`.",
    properties: {
      id: { type: "string", description: "The route name." },
      object: { const: "model" },
      created: { type: "integer", description: "When the current configuration was loaded (Unix seconds)." },
      owned_by: { type: "string", description: "The provider of the route's first target." },
    },
    required: ["id", "object", "created", "owned_by"],
    additionalProperties: false,
  },
  OpenAIModelList: {
    type: "object",
    properties: {
      object: { const: "list" },
      data: { type: "array", items: { $ref: "#/components/schemas/OpenAIModel" } },
    },
    required: ["object", "data"],
    additionalProperties: false,
  },
};

export const OPENAI_CHAT_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "Chat on route 'chat'",
    value: { model: "chat", messages: [{ role: "user", content: "Hello!" }], temperature: 0.7 },
  },
  "chat-stream": {
    summary: "Streamed chat with usage",
    value: {
      model: "chat",
      messages: [{ role: "user", content: "Tell me about switchyards." }],
      stream: true,
      stream_options: { include_usage: true },
    },
  },
};

export const OPENAI_COMPLETION_EXAMPLES: Record<string, Example> = {
  completions: {
    summary: "Completion on route 'completions'",
    value: { model: "completions", prompt: "Once upon a time", max_tokens: 50 },
  },
};

export const OPENAI_EMBEDDING_EXAMPLES: Record<string, Example> = {
  embeddings: {
    summary: "Embeddings on route 'embeddings'",
    value: { model: "embeddings", input: ["one", "two"], encoding_format: "float" },
  },
};
