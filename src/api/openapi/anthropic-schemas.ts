import {
  countTokensRequestSchema,
  messagesRequestSchema,
} from "../../dialects/anthropic/messages-request-schema.js";
import type { JsonSchema } from "../error-format.js";
import { jsonSchemaOf } from "./json-schema-of.js";
import type { Example } from "./operation-docs.js";

/**
 * Anthropic's Messages API (`/v1/messages`) in the OpenAPI document. Request bodies come from the zod schemas that
 * validate translated requests (content blocks and tools are checked by the decoder; any other key is relayed to
 * Anthropic targets). Responses are Anthropic's Message and stream events: the gateway's own encoding, or an
 * Anthropic upstream's bytes passed through, which may carry more fields and block types than listed here.
 */

const MODEL =
  "The route to query (an llm/v1/chat route), or one of its `aliases` (e.g. `claude-sonnet-4-5`).";

const usage: JsonSchema = {
  type: "object",
  description: "Token counts; the cache fields are present when the provider reports them.",
  properties: {
    input_tokens: { type: "integer" },
    output_tokens: { type: "integer" },
    cache_creation_input_tokens: { type: ["integer", "null"] },
    cache_read_input_tokens: { type: ["integer", "null"] },
  },
  required: ["input_tokens", "output_tokens"],
};

const contentBlock: JsonSchema = {
  type: "object",
  description:
    "`text`, `tool_use` (`id`, `name`, `input`), `thinking` (`thinking`, `signature`), `redacted_thinking`, or (relayed from Anthropic) a server tool's block.",
  properties: { type: { type: "string" } },
  required: ["type"],
};

const stopReason = {
  type: ["string", "null"],
  enum: ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", null],
};

const STREAM_EVENT_TYPES = [
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
  "ping",
  "error",
];

export const ANTHROPIC_SCHEMAS: Record<string, JsonSchema> = {
  AnthropicMessagesRequest: jsonSchemaOf(messagesRequestSchema, {
    describe: {
      model: MODEL,
      max_tokens: "Most tokens to generate.",
      thinking: "Extended thinking; refused with a 400 on a route whose provider cannot think.",
      stream: "Stream the answer as Anthropic's Server-Sent Events.",
    },
  }),
  AnthropicCountTokensRequest: jsonSchemaOf(countTokensRequestSchema, { describe: { model: MODEL } }),
  AnthropicMessage: {
    type: "object",
    description: "A `message` object.",
    properties: {
      id: { type: "string" },
      type: { const: "message" },
      role: { const: "assistant" },
      model: { type: "string" },
      content: { type: "array", items: contentBlock },
      stop_reason: stopReason,
      stop_sequence: { type: ["string", "null"] },
      usage,
    },
    required: ["id", "type", "role", "model", "content", "stop_reason", "usage"],
  },
  AnthropicStreamEvent: {
    type: "object",
    description:
      "An event of a Messages stream: `message_start` (the message, with the input's usage), `content_block_start`/`_delta`/`_stop` per block, `message_delta` (stop reason and cumulative usage), `message_stop`, `ping`; a broken stream ends with an `error` event.",
    properties: {
      type: { enum: STREAM_EVENT_TYPES },
      message: { type: "object" },
      index: { type: "integer" },
      content_block: contentBlock,
      delta: { type: "object" },
      usage: { type: "object" },
    },
    required: ["type"],
  },
  AnthropicTokenCount: {
    type: "object",
    description:
      "The prompt's tokens: counted by Anthropic for Anthropic targets, estimated (o200k_base) for others.",
    properties: { input_tokens: { type: "integer" } },
    required: ["input_tokens"],
  },
};

export const ANTHROPIC_MESSAGES_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "A message on route 'chat'",
    value: {
      model: "chat",
      max_tokens: 256,
      system: "You are terse.",
      messages: [{ role: "user", content: "Hello!" }],
    },
  },
  "chat-stream": {
    summary: "A streamed message",
    value: {
      model: "chat",
      max_tokens: 256,
      messages: [{ role: "user", content: "Tell me about switchyards." }],
      stream: true,
    },
  },
};

export const ANTHROPIC_COUNT_TOKENS_EXAMPLES: Record<string, Example> = {
  chat: {
    summary: "Count a prompt's tokens on route 'chat'",
    value: { model: "chat", messages: [{ role: "user", content: "Hello!" }] },
  },
};
