import { isRecord, optionalString } from "../narrow.js";

/**
 * Cohere errors are `{"message": "...", "id": "..."}`, and often just `{"message": "..."}`
 * (https://docs.cohere.com/reference/errors). An empty message counts as none.
 */
export function decodeErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const message = optionalString(body.message);
  return message === undefined || message.trim() === "" ? undefined : message;
}
