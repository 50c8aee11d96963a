import type { ErrorSignals, UpstreamErrorFields } from "../../canonical/index.js";
import { isRecord, optionalString } from "../narrow.js";

/**
 * What OpenAI's and OpenAI-compatible servers' errors mean, for routing (`{"error": {"message", "type",
 * "code"}}`, https://platform.openai.com/docs/guides/error-codes):
 * - `context_length_exceeded` is OpenAI's code for a prompt beyond the model's context window; vLLM and other
 *   compatible servers only say it in words ("This model's maximum context length is 4096 tokens").
 * - `content_filter` is Azure OpenAI's code for a prompt or answer its content filter refused
 *   (https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter), "content management policy"
 *   its wording; `content_policy_violation` is OpenAI's code for a request its usage policies refuse.
 */
export const OPENAI_ERROR_SIGNALS: ErrorSignals = {
  readFields: readOpenAIErrorFields,
  signals: [
    { kind: "context_length", code: "context_length_exceeded" },
    {
      kind: "context_length",
      message: /maximum context length|context length exceeded|exceeds the context window/i,
    },
    { kind: "content_filter", code: "content_filter" },
    { kind: "content_filter", code: "content_policy_violation" },
    { kind: "content_filter", message: /content management policy/i },
  ],
};

/** The fields of an OpenAI error body; some compatible servers send a bare string, or the fields at the top. */
export function readOpenAIErrorFields(body: unknown): UpstreamErrorFields {
  if (!isRecord(body)) return {};
  const error = isRecord(body.error) ? body.error : body;
  const fields: UpstreamErrorFields = {};
  const message = typeof body.error === "string" ? body.error : optionalString(error.message);
  if (message !== undefined) fields.message = message;
  const type = optionalString(error.type);
  if (type !== undefined) fields.type = type;
  // Some compatible servers send a numeric code (the HTTP status again).
  if (typeof error.code === "string" || typeof error.code === "number") fields.code = String(error.code);
  return fields;
}
