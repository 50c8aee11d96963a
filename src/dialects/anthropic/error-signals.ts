import type { ErrorSignals, UpstreamErrorFields } from "../../canonical/index.js";
import { isRecord, optionalString } from "../narrow.js";

/**
 * What Anthropic's errors mean, for routing (`{"type": "error", "error": {"type", "message"}}`,
 * https://docs.anthropic.com/en/api/errors). The error types say most of it; the rest is only in words:
 * - a prompt beyond the context window is an `invalid_request_error` saying "prompt is too long: 208310 tokens >
 *   200000 maximum", or "input length and `max_tokens` exceed context limit" when the answer would not fit;
 *   `request_too_large` (413) is a body over the size limit;
 * - a model that takes no assistant prefill (Claude Opus 4.6 and later,
 *   https://platform.claude.com/docs/en/about-claude/models/whats-new-claude-4-6#prefill-removal) answers
 *   "This model does not support assistant message prefill"; a prefill that ends in whitespace is refused too.
 * In-stream `error` events carry the same types (overloaded_error is the streaming form of HTTP 529).
 */
export const ANTHROPIC_ERROR_SIGNALS: ErrorSignals = {
  readFields: readAnthropicErrorFields,
  signals: [
    { kind: "context_length", message: /prompt is too long|exceed context limit/i },
    { kind: "context_length", type: "request_too_large" },
    {
      kind: "prefill_rejected",
      message:
        /does not support assistant message prefill|prefilling assistant messages is not supported|final assistant content cannot end with trailing whitespace/i,
    },
    { kind: "content_filter", message: /content filtering policy/i },
    { kind: "overloaded", type: "overloaded_error" },
    { kind: "rate_limited", type: "rate_limit_error" },
    { kind: "server_error", type: "api_error" },
    { kind: "client_error", type: "invalid_request_error" },
    { kind: "client_error", type: "authentication_error" },
    { kind: "client_error", type: "permission_error" },
    { kind: "client_error", type: "not_found_error" },
  ],
};

export function readAnthropicErrorFields(body: unknown): UpstreamErrorFields {
  if (!isRecord(body)) return {};
  const error = isRecord(body.error) ? body.error : {};
  const fields: UpstreamErrorFields = {};
  const message =
    optionalString(error.message) ??
    (typeof body.error === "string" ? body.error : optionalString(body.message));
  if (message !== undefined) fields.message = message;
  const type = optionalString(error.type);
  if (type !== undefined) fields.type = type;
  return fields;
}
