import { isRecord, optionalString } from "../narrow.js";

/** OpenAI errors are `{"error": {"message", "type", "param", "code"}}`; some compatible servers send a string. */
export function decodeErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (typeof error === "string") return error;
  if (isRecord(error)) return optionalString(error.message);
  return optionalString(body.message);
}
