import { z } from "zod";
import type { EmbeddingsRequest } from "../../canonical/index.js";
import { invalidBody, jsonTypeName, parseBody } from "./body-validation.js";

/** How the client wants vectors: JSON numbers, or base64 of little-endian float32 (the official SDKs' default). */
export type EmbeddingsEncodingFormat = "float" | "base64";

/**
 * `POST /v1/embeddings` (OpenAI's CreateEmbeddingRequest, https://platform.openai.com/docs/api-reference/embeddings/create).
 * `input` is checked by hand below, for messages that say why token arrays are refused.
 */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.unknown(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().min(1).nullish(),
});

const CONSUMED = ["model", "input", "encoding_format", "dimensions"];

/**
 * Decodes a `POST /v1/embeddings` body; `model` is the route name. `encoding_format` is returned apart and not
 * forwarded: the gateway always asks the provider for floats and encodes base64 itself, so that every provider
 * serves the SDKs' default. `user` and other unmapped fields are kept in `extra`.
 */
export function decodeOpenAIEmbeddingsRequest(body: unknown): {
  routeName: string;
  request: EmbeddingsRequest;
  encodingFormat: EmbeddingsEncodingFormat;
} {
  const input = parseBody(embeddingsRequestSchema, body);
  const texts = decodeInput(input.input);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!CONSUMED.includes(key)) extra[key] = value;
  const request: EmbeddingsRequest = {
    input: typeof texts === "string" ? [texts] : texts,
    singleInput: typeof texts === "string",
    extra,
  };
  if (input.dimensions != null) request.dimensions = input.dimensions;
  return { routeName: input.model, request, encodingFormat: input.encoding_format ?? "float" };
}

function decodeInput(value: unknown): string | string[] {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) {
    throw invalidBody("Missing required parameter: 'input'.", ["input"]);
  }
  if (!Array.isArray(value)) {
    throw invalidBody(
      `Invalid type for 'input': expected a string or an array of strings, but got ${jsonTypeName(value)} instead.`,
      ["input"],
    );
  }
  if (value.length === 0) {
    throw invalidBody(
      "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      ["input"],
    );
  }
  if (value.some((item) => typeof item === "number" || Array.isArray(item))) {
    throw invalidBody(
      "Invalid 'input': token arrays are not supported, because the gateway may serve the route through a provider with another tokenizer. Send the input as a string or an array of strings.",
      ["input"],
    );
  }
  const position = value.findIndex((item) => typeof item !== "string");
  if (position !== -1) {
    throw invalidBody(
      `Invalid type for 'input[${position}]': expected a string, but got ${jsonTypeName(value[position])} instead.`,
      ["input", position],
    );
  }
  return value as string[];
}

/** The canonical request with the encoding the client asked for, which the answer's encoder needs. */
export function decodeOpenAIEmbeddingsWithFormat(
  body: unknown,
): EmbeddingsRequest & { encodingFormat: EmbeddingsEncodingFormat } {
  const decoded = decodeOpenAIEmbeddingsRequest(body);
  return { ...decoded.request, encodingFormat: decoded.encodingFormat };
}
