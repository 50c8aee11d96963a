import { GatewayError } from "../canonical/index.js";
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
      "FastAPI's error body. `detail` is a message naming the problem, or the provider's own JSON error body.",
    properties: {
      detail: { description: "What went wrong.", anyOf: [{ type: "string" }, { type: "object" }] },
    },
    required: ["detail"],
    additionalProperties: false,
  },
  example: encodeMlflowError(
    new GatewayError(
      "route_not_found",
      "The route 'chat' is not present or active on the server. Please verify the route name.",
    ),
  ),
  documentedErrors: [
    {
      status: 400,
      when: "malformed JSON, an empty body; a bad `page_token`, `max_results` or `filter`; a URL that cannot be decoded",
    },
    { status: 404, when: "unknown route or endpoint (the message names it), or unknown path" },
    { status: 405, when: "wrong method for the path (with `Allow` listing the right ones)" },
    {
      status: 408,
      when: "the request did not arrive in time (`request_header_timeout_seconds`, `request_timeout_seconds`)",
    },
    { status: 413, when: "body larger than `max_body_bytes` (10 MiB by default)" },
    { status: 414, when: "a route name in the path longer than 1,000 characters" },
    { status: 415, when: "a body that is not `application/json`" },
    {
      status: 422,
      when: "a body that breaks the route type's schema (the message names each field and what is allowed); `model` in the body (the route defines it); `n` (use `candidate_count`); more candidates than the provider can give",
    },
    { status: 431, when: "request headers larger than 16 KiB" },
    { status: 500, when: "the gateway failed (the details are in its log, never in the answer)" },
    { status: 501, when: "the limits API (`/api/2.0/gateway/limits`), as in MLflow" },
    {
      status: "upstream",
      when: "the provider answered with an error: its status (and `Retry-After`) and its message are passed on",
    },
    {
      status: 502,
      when: "the provider's answer is not JSON, not readable, or the provider cannot be reached",
    },
    {
      status: 503,
      when: "the route is at its `max_in_flight` limit or every target's circuit is open (with `Retry-After`); the gateway is shutting down",
    },
    { status: 504, when: "the provider did not answer within the route's timeouts" },
  ],
};
