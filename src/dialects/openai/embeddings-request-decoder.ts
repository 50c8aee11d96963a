import { z } from "zod";
import type { EmbeddingsRequest } from "../../canonical/index.js";
import { invalidBody, jsonTypeName, parseBody } from "./body-validation.js";
import { decodeTextsOrTokens, type TokenText } from "./token-input.js";

/** How the client wants vectors: JSON numbers, or base64 of little-endian float32 (the official SDKs' default). */
export type EmbeddingsEncodingFormat = "float" | "base64";

/**
 * `POST /v1/embeddings` (OpenAI's CreateEmbeddingRequest, https://platform.openai.com/docs/api-reference/embeddings/create).
 * `input` is checked by hand below: strings, or token ids (LangChain's `OpenAIEmbeddings` sends those by default),
 * which are decoded to text with `tokenText` for providers that need text.
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
export function decodeOpenAIEmbeddingsRequest(
  body: unknown,
  tokenText?: TokenText,
): {
  routeName: string;
  request: EmbeddingsRequest;
  encodingFormat: EmbeddingsEncodingFormat;
} {
  const input = parseBody(embeddingsRequestSchema, body);
  const texts = decodeInput(input.input, tokenText);
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

function decodeInput(value: unknown, tokenText: TokenText | undefined): string | string[] {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) {
    throw invalidBody("Missing required parameter: 'input'.", ["input"]);
  }
  if (!Array.isArray(value)) {
    throw invalidBody(
      `Invalid type for 'input': expected a string, an array of strings or an array of token ids, but got ${jsonTypeName(value)} instead.`,
      ["input"],
    );
  }
  // One token array is one input, like one string.
  const texts = decodeTextsOrTokens(value, "input", tokenText);
  return typeof value[0] === "number" && texts[0] !== undefined ? texts[0] : texts;
}

/** The canonical request with the encoding the client asked for, which the answer's encoder needs. */
export function decodeOpenAIEmbeddingsWithFormat(
  body: unknown,
  tokenText?: TokenText,
): EmbeddingsRequest & { encodingFormat: EmbeddingsEncodingFormat } {
  const decoded = decodeOpenAIEmbeddingsRequest(body, tokenText);
  return { ...decoded.request, encodingFormat: decoded.encodingFormat };
}
