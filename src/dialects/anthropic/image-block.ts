import { isRecord, type JsonRecord, optionalString } from "../narrow.js";

/** `data:<media type>;base64,<data>` */
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/**
 * A canonical image part (OpenAI's `image_url`) as an Anthropic image block
 * (https://docs.anthropic.com/en/docs/build-with-claude/vision): a data URL becomes a base64 source, anything
 * else a URL source.
 */
export function encodeImagePart(part: Record<string, unknown>): JsonRecord {
  const image = isRecord(part.image_url) ? part.image_url : {};
  const url = optionalString(image.url) ?? "";
  const data = DATA_URL.exec(url);
  if (data !== null) {
    return { type: "image", source: { type: "base64", media_type: data[1], data: data[2] } };
  }
  return { type: "image", source: { type: "url", url } };
}

/** An Anthropic image block's source as a canonical image part; undefined for sources it cannot name by URL. */
export function decodeImageBlock(block: JsonRecord): JsonRecord | undefined {
  const source = isRecord(block.source) ? block.source : {};
  if (source.type === "base64") {
    const mediaType = optionalString(source.media_type) ?? "";
    const data = optionalString(source.data) ?? "";
    return { type: "image_url", image_url: { url: `data:${mediaType};base64,${data}` } };
  }
  if (source.type === "url")
    return { type: "image_url", image_url: { url: optionalString(source.url) ?? "" } };
  return undefined;
}
