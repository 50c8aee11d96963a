import { encodeMlflowError } from "../dialects/mlflow/error-encoder.js";
import type { ErrorFormat } from "./error-format.js";

/**
 * The MLflow APIs' errors (the AI Gateway API, the deployments API, and every path no other API owns):
 * FastAPI's `{"detail": ...}`, with the gateway's status for each error. The detail is a message, or the
 * provider's own JSON error body when it had no message, as MLflow passes it on.
 */
export const mlflowErrorFormat: ErrorFormat = {
  schemaName: "MlflowError",
  pathPrefixes: ["/"],
  status: (error) => error.status,
  body: encodeMlflowError,
  schema: {
    type: "object",
    description:
      "FastAPI's error body. `detail` is a message naming the problem, or the provider's own JSON error body; a rate limit of the gateway answers `error` instead, as MLflow's deployments server does.",
    properties: {
      detail: { description: "What went wrong.", anyOf: [{ type: "string" }, { type: "object" }] },
      error: { description: "A rate limit that refused the request, named.", type: "string" },
    },
    required: [],
    oneOf: [{ required: ["detail"] }, { required: ["error"] }],
    additionalProperties: false,
  },
  documentedErrors: [
    {
      status: 400,
      when: "malformed JSON, an empty body, a body nested deeper than `max_json_depth` (128 by default); a bad `page_token`, `max_results` or `filter`; an `x-switchyard-end-user` or `x-switchyard-tags` header out of bounds; a URL that cannot be decoded",
      example: { code: "invalid_json", message: "The request body is not valid JSON." },
    },
    {
      status: 401,
      when: "no gateway key, or a malformed, unknown, revoked, deleted, disabled or expired one, where keys are required (a gateway key that is presented is always checked): `missing_api_key`, `invalid_api_key`; `set_limits` without a master key where gateway keys are in use (`invalid_master_key`)",
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
      when: "unknown route or endpoint (the message names it), or unknown path",
      example: {
        code: "route_not_found",
        message:
          "The route 'chat' is not present or active on the server. Please verify the route name: GET /api/2.0/gateway/routes/ lists the routes.",
      },
    },
    {
      status: 405,
      when: "wrong method for the path (with `Allow` listing the right ones)",
      example: {
        code: "method_not_allowed",
        message: "Method Not Allowed: GET /gateway/chat/invocations is not served; this path accepts POST.",
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
      when: "a route name in the path longer than 1,000 characters",
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
      status: 422,
      when: "a body that breaks the route type's schema (the message names each field and what is allowed); `model` in the body (the route defines it); `n` (use `candidate_count`); more candidates than the provider can give",
      example: {
        code: "invalid_body",
        message: "Invalid request body: messages: must contain at least 1 item(s) (got an empty list).",
      },
    },
    {
      status: 429,
      when: 'a limit or budget of the gateway refused the request (with `Retry-After`): a rate or in-flight limit as `{"error": "Rate limit exceeded: ..."}` (MLflow\'s deployments server), a budget as `{"detail": "Budget limit exceeded. ..."}` (MLflow 3); both name the limit',
      example: {
        code: "budget_exceeded",
        message: "Budget exceeded: budget 'day' of route 'chat' ($1 per 1 day) has $0 left.",
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
      when: "the provider answered with an error: its status (and `Retry-After`) and its message are passed on",
      example: { code: "upstream_http_error", message: "Incorrect API key provided.", upstreamStatus: 401 },
    },
    {
      status: 502,
      when: "the provider's answer is not JSON, not readable, or the provider cannot be reached",
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
