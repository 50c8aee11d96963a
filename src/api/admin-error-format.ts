import { encodeOpenAIError, openAIStatus } from "../dialects/openai/error-encoder.js";
import type { ErrorFormat } from "./error-format.js";
import { openAIErrorFormat } from "./openai-error-format.js";

/**
 * The admin API's errors (`/admin/`): OpenAI's envelope, as on `/v1`, so one client library reads both; the
 * message and `param` name the field at fault.
 */
export const adminErrorFormat: ErrorFormat = {
  schemaName: "AdminError",
  pathPrefixes: ["/admin/"],
  status: openAIStatus,
  body: encodeOpenAIError,
  schema: {
    ...openAIErrorFormat.schema,
    description: "The admin API's errors, in OpenAI's envelope; all four keys are always present.",
  },
  documentedErrors: [
    {
      status: 400,
      when: "an invalid body or query: the message and `param` name the field (an unknown group or org, a route or model scope that matches nothing, a past expiry, a repeated budget name, an unknown field)",
      example: {
        code: "invalid_body",
        message: "'routes.0' 'chta' matches no route (routes: chat, embeddings).",
        param: "routes.0",
      },
    },
    {
      status: 401,
      when: "no master key, a wrong one, or a gateway key",
      example: { code: "invalid_master_key", message: "The master key is not valid." },
    },
    {
      status: 404,
      when: "no such key, group or org; the admin API is off",
      example: { code: "not_found", message: "There is no key 'Xp3kQ9rT2mWv'." },
    },
    {
      status: 405,
      when: "wrong method for the path (with `Allow` listing the right ones)",
      example: {
        code: "method_not_allowed",
        message: "Method Not Allowed: PUT /admin/v1/keys is not served; this path accepts GET, HEAD, POST.",
      },
    },
    {
      status: 409,
      when: "a taken alias or id; a change to an object declared in the config file, or to a revoked or deleted key; deleting a group with keys or an org with groups",
      example: {
        code: "conflict",
        message: "The alias 'ci-bot' is already used by another key.",
        param: "alias",
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
      status: 503,
      when: "the governance store (SQLite through the primary, or Redis) cannot be reached (`governance_unavailable`, with `Retry-After`)",
      example: {
        code: "governance_unavailable",
        message: "The governance store (keys, groups, audit log) is unavailable right now; retry shortly.",
      },
    },
  ],
};
