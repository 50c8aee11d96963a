import { isRecord, optionalString } from "../narrow.js";

/**
 * Anthropic errors are `{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}`
 * (https://docs.anthropic.com/en/api/errors). A body without a message yields undefined, and the caller then
 * passes the body on as it is.
 */
export function decodeErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (isRecord(error)) return optionalString(error.message);
  if (typeof error === "string") return error;
  return optionalString(body.message);
}
