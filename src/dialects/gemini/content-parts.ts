import { type ContentPart, GatewayError } from "../../canonical/index.js";
import { parseDataUrl } from "../data-url.js";
import { isRecord, type JsonRecord, optionalString } from "../narrow.js";

/**
 * Encodes a message's content parts as Gemini `Part`s (https://ai.google.dev/api/caching#Part): text as `text`,
 * an image or file given as a base64 data URL as `inlineData`, one given by URL as `fileData` (Gemini fetches
 * it; a Files API or Cloud Storage URI works everywhere, a public https URL on current models). Empty text is
 * dropped: Gemini refuses a part with no data.
 */
export function encodeParts(content: string | ContentPart[] | null, param: string): JsonRecord[] {
  if (content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const parts: JsonRecord[] = [];
  content.forEach((part, position) => {
    const encoded = encodePart(part, `${param}.${position}`);
    if (encoded !== undefined) parts.push(encoded);
  });
  return parts;
}

function encodePart(part: ContentPart, param: string): JsonRecord | undefined {
  if (part.type === "text")
    return typeof part.text === "string" && part.text !== "" ? { text: part.text } : undefined;
  if (part.type === "image_url" && isRecord(part.image_url)) {
    return encodeMedia(optionalString(part.image_url.url), undefined, param);
  }
  if (part.type === "input_audio" && isRecord(part.input_audio)) {
    const data = optionalString(part.input_audio.data);
    const format = optionalString(part.input_audio.format) ?? "wav";
    if (data !== undefined) return { inlineData: { mimeType: `audio/${format}`, data } };
  }
  if (part.type === "file" && isRecord(part.file)) {
    return encodeMedia(optionalString(part.file.file_data), optionalString(part.file.filename), param);
  }
  throw new GatewayError(
    "invalid_body",
    `The content part at '${param}' (type '${part.type}') cannot be sent to Gemini: it takes text, image_url, input_audio and file parts.`,
    { param },
  );
}

function encodeMedia(url: string | undefined, filename: string | undefined, param: string): JsonRecord {
  if (url === undefined || url === "") {
    throw new GatewayError("invalid_body", `The content part at '${param}' has no URL or data.`, { param });
  }
  const inline = parseDataUrl(url);
  if (inline !== undefined) return { inlineData: { mimeType: inline.mimeType, data: inline.base64 } };
  return {
    fileData: { mimeType: mimeTypeOf(filename ?? new URL(url, "https://x.invalid").pathname), fileUri: url },
  };
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  pdf: "application/pdf",
  mp3: "audio/mp3",
  wav: "audio/wav",
  mp4: "video/mp4",
};

/** `fileData` requires a media type; it is taken from the file name's extension (images default to JPEG). */
function mimeTypeOf(name: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return MIME_TYPES[extension] ?? "image/jpeg";
}
