import { encodeOpenAIError, openAIStatus } from "../dialects/openai/error-encoder.js";
import type { ErrorFormat } from "./error-format.js";

/**
 * The OpenAI-compatible API's errors (`/v1/`): OpenAI's envelope, with the statuses the official SDKs map to
 * their error classes (a request the gateway refuses is 400, not MLflow's 422).
 */
export const openAIErrorFormat: ErrorFormat = {
  schemaName: "OpenAIError",
  streamErrorSchemaName: "OpenAIStreamError",
  pathPrefixes: ["/v1/"],
  status: openAIStatus,
  body: encodeOpenAIError,
  schema: {
    type: "object",
    description: "OpenAI's error envelope (ErrorResponse); all four keys are always present.",
    properties: {
      error: {
        type: "object",
        properties: {
          message: { type: "string", description: "What went wrong, naming the field." },
          type: {
            type: "string",
            description: "`invalid_request_error` (4xx), `requests` (429), `server_error` (5xx).",
          },
          param: { type: ["string", "null"], description: "The field at fault, e.g. `messages[0].content`." },
          code: {
            type: ["string", "null"],
            description: "A stable code: `model_not_found`, `rate_limit_exceeded`, or the gateway's own.",
          },
          limit: {
            type: "object",
            description:
              "When a limit or budget of the gateway refused the request: which one (scope, id, name, kind, size).",
          },
          reset_at: { type: "string", description: "When that limit has room again, ISO 8601." },
        },
        required: ["message", "type", "param", "code"],
      },
    },
    required: ["error"],
    additionalProperties: false,
  },
  documentedErrors: [
    {
      status: 400,
      when: "an invalid request (the message and `param` name the field), malformed JSON, a body nested deeper than `max_json_depth` (128 by default), a route of another type, a URL that cannot be decoded, an `x-switchyard-end-user` or `x-switchyard-tags` header out of bounds (`invalid_parameter`, `param` names the header)",
      example: {
        code: "invalid_body",
        message: "Invalid type for 'temperature': expected a number, but got a string instead.",
        param: "temperature",
      },
    },
    {
      status: 401,
      when: "no gateway key, or a malformed, unknown, revoked, deleted, disabled or expired one, where keys are required (a gateway key that is presented is always checked): `missing_api_key`, `invalid_api_key`",
      example: {
        code: "invalid_api_key",
        message: "The gateway key sk-sy-Xp3kQ9rT2mWv-… was revoked (at 2026-01-01T00:00:00.000Z).",
      },
    },
    {
      status: 403,
      when: "the gateway key's `routes` or `models` scope does not cover the route (`key_not_allowed`; the message names the scope)",
      example: {
        code: "key_not_allowed",
        message:
          "The gateway key 'ci-bot' (Xp3kQ9rT2mWv) may not call route 'chat': it is outside the key's routes scope (embeddings).",
      },
    },
    {
      status: 404,
      when: "unknown route (`model_not_found`), or unknown path",
      example: {
        code: "route_not_found",
        message: "The model 'gpt-5' does not exist on this gateway.",
        param: "model",
      },
    },
    {
      status: 405,
      when: "wrong method for the path (with `Allow` listing the right ones)",
      example: {
        code: "method_not_allowed",
        message: "Method Not Allowed: GET /v1/chat/completions is not served; this path accepts POST.",
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
          "The request body is larger than the gateway accepts: at most 10485760 bytes (10 MiB), set by server.max_body_bytes in the gateway's config.",
      },
    },
    {
      status: 414,
      when: "a model name in the path longer than 1,000 characters",
      example: { code: "uri_too_long", message: "A name in the URL is longer than the gateway accepts." },
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
      status: 429,
      when: "a limit or budget of the gateway refused the request (with `Retry-After`): `type` is `requests` or `tokens` (rate and in-flight limits) or `insufficient_quota` (budgets), `error.limit` names it",
      example: {
        code: "rate_limited",
        message:
          "Rate limit exceeded: limit 'rpm' of route 'chat' allows 60 requests per 1 minute; retry in 1 s.",
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
      when: "the provider answered with an error (401, 403, 422, 429, ...): its status (and `Retry-After`) and its message are passed on",
      example: { code: "upstream_http_error", message: "Incorrect API key provided.", upstreamStatus: 401 },
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
      when: "the route is at its `max_in_flight` limit or every target's circuit is open (with `Retry-After`); the gateway is shutting down; gateway keys or limits cannot be checked because the governance store is unreachable (`governance_unavailable`; budgets fail closed)",
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
