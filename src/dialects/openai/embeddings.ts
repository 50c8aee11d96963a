import type { EmbeddingsRequest, EmbeddingsResponse } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  type JsonRecord,
  optionalNumber,
  optionalString,
  requireArray,
  requireRecord,
} from "../narrow.js";
import { decodeUsage } from "./usage.js";

/** Encodes `POST /embeddings`. See https://platform.openai.com/docs/api-reference/embeddings/create */
export function encodeEmbeddingsRequest(request: EmbeddingsRequest, model: string | null): JsonRecord {
  const body: JsonRecord = {};
  if (model !== null) body.model = model;
  body.input = request.singleInput ? request.input[0] : request.input;
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return Object.assign(body, request.extra);
}

/** Decodes an embeddings list, putting vectors back in input order by their `index`. */
export function decodeEmbeddingsResponse(body: unknown): EmbeddingsResponse {
  const root = requireRecord(body, "the response body");
  const data = requireArray(root.data, "`data`");
  const embeddings: number[][] = new Array(data.length);
  data.forEach((entry, position) => {
    const item = requireRecord(entry, `data[${position}]`);
    const vector = item.embedding;
    if (!Array.isArray(vector))
      throw invalidUpstreamResponse(`data[${position}].embedding is not a list of numbers`);
    const index = optionalNumber(item.index) ?? position;
    if (index < 0 || index >= data.length)
      throw invalidUpstreamResponse(`data[${position}].index is out of range`);
    embeddings[index] = vector as number[];
  });
  return { model: optionalString(root.model) ?? "", embeddings, usage: decodeUsage(root.usage, 0) };
}
