import { anthropicStatus, encodeAnthropicError } from "../dialects/anthropic/error-encoder.js";
import type { ErrorFormat } from "./error-format.js";

/**
 * The Anthropic Messages API's errors (`/v1/messages`, `/v1/messages/count_tokens`): Anthropic's envelope
 * (https://docs.anthropic.com/en/api/errors), with the statuses the official SDKs map to their error classes (a
 * request the gateway refuses is 400, not MLflow's 422). The longer prefix wins over the OpenAI API's `/v1/`.
 */
export const anthropicErrorFormat: ErrorFormat = {
  schemaName: "AnthropicError",
  pathPrefixes: ["/v1/messages/"],
  status: anthropicStatus,
  body: (error) => encodeAnthropicError(error),
  schema: {
    type: "object",
    description: "Anthropic's error envelope; the message names the field at fault.",
    properties: {
      type: { const: "error" },
      error: {
        type: "object",
        properties: {
          type: {
            type: "string",
            description:
              "`invalid_request_error` (4xx), `authentication_error` (401), `permission_error` (403), `not_found_error` (404), `rate_limit_error` (429), `api_error` (5xx), `timeout_error` (504), `overloaded_error` (the gateway or the provider is at its limit).",
          },
          message: { type: "string", description: "What went wrong, naming the field." },
        },
        required: ["type", "message"],
        additionalProperties: false,
      },
      request_id: { type: ["string", "null"] },
    },
    required: ["type", "error"],
    additionalProperties: false,
  },
  documentedErrors: [
    {
      status: 400,
      when: "an invalid request (the message names the field), a feature the route's provider cannot honour (thinking, a server tool: the message names the feature and the route), malformed JSON, a body nested deeper than `max_json_depth` (128 by default), a route of another type, an `x-switchyard-end-user` or `x-switchyard-tags` header out of bounds (the message names the header)",
      example: {
        code: "invalid_body",
        message: "messages.0.content: Invalid input: expected string, received number",
        param: "messages.0.content",
      },
    },
    {
      status: 401,
      when: "no gateway key (`x-api-key` or `Authorization: Bearer`, as Claude Code's `ANTHROPIC_API_KEY` or `ANTHROPIC_AUTH_TOKEN` sends it), or a malformed, unknown, revoked, deleted, disabled or expired one, where keys are required (`authentication_error`)",
      example: {
        code: "invalid_api_key",
        message: "The gateway key sk-sy-Xp3kQ9rT2mWv-… was revoked (at 2026-01-01T00:00:00.000Z).",
      },
    },
    {
      status: 403,
      when: "the gateway key's `routes` or `models` scope does not cover the route (`permission_error`; the message names the scope)",
      example: {
        code: "key_not_allowed",
        message:
          "The gateway key 'ci-bot' (Xp3kQ9rT2mWv) may not call route 'chat': it is outside the key's routes scope (embeddings).",
      },
    },
    {
      status: 404,
      when: "unknown model (neither a route nor an alias)",
      example: {
        code: "route_not_found",
        message: "The model 'claude-sonnet-4-5' does not exist on this gateway.",
        param: "model",
      },
    },
    {
      status: 405,
      when: "wrong method for the path (with `Allow` listing the right ones)",
      example: {
        code: "method_not_allowed",
        message: "Method Not Allowed: GET /v1/messages is not served; this path accepts POST.",
      },
    },
    {
      status: 408,
      when: "the request did not arrive in time (`request_header_timeout_seconds`, `request_timeout_seconds`)",
      example: { code: "request_timeout", message: "Request Timeout: the request did not arrive in time." },
    },
    {
      status: 413,
      when: "body larger than `max_body_bytes` (10 MiB by default)",
      example: {
        code: "body_too_large",
        message:
          "The request body is larger than the 10485760 bytes this gateway accepts (setting server.max_body_bytes).",
      },
    },
    {
      status: 415,
      when: "a body that is not `application/json`",
      example: {
        code: "unsupported_content_type",
        message:
          "Unsupported content type: send the request body as JSON with the header 'Content-Type: application/json'.",
      },
    },
    {
      status: 431,
      when: "request headers larger than 16 KiB",
      example: {
        code: "headers_too_large",
        message:
          "Request Header Fields Too Large: the request headers are larger than the gateway accepts (16 KiB).",
      },
    },
    {
      status: 500,
      when: "the gateway failed (the details are in its log, never in the answer)",
      example: {
        code: "internal_error",
        message: "Internal error: the gateway failed to handle the request. The details are in its log.",
      },
    },
    {
      status: "upstream",
      when: "the provider answered with an error (401, 403, 429, 529, ...): its status (and `Retry-After`) and its message are passed on",
      example: { code: "upstream_http_error", message: "invalid x-api-key", upstreamStatus: 401 },
    },
    {
      status: 502,
      when: "the provider's answer is not readable, or the provider cannot be reached",
      example: {
        code: "upstream_unreachable",
        message: "The provider could not be reached (connection refused).",
      },
    },
    {
      status: 503,
      when: "the route is at its `max_in_flight` limit or every target's circuit is open (`overloaded_error`, with `Retry-After`); the gateway is shutting down",
      example: {
        code: "overloaded",
        message: "Route 'chat' is serving its limit of 100 requests at once; retry shortly.",
      },
    },
    {
      status: 504,
      when: "the provider did not answer within the route's timeouts",
      example: {
        code: "upstream_timeout",
        message: "The provider did not answer within 60 s (total_seconds).",
      },
    },
  ],
};
