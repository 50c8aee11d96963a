import { isRecord, optionalString } from "../narrow.js";

/**
 * Bedrock's errors (restJson1) are `{"message": "..."}` with the exception's name in the `x-amzn-ErrorType`
 * header; some proxies and older services spell it `Message`.
 */
export function decodeErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  return optionalString(body.message) ?? optionalString(body.Message);
}
