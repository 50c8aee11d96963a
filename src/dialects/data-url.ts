/** A `data:` URL's media type and base64 payload (RFC 2397), as clients send inline images. */
export interface DataUrl {
  mimeType: string;
  base64: string;
}

/** Parses a base64 `data:` URL; undefined for any other URL (http, a data URL that is not base64). */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)(?:;[^;,=]+=[^;,]*)*;base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { mimeType: (match[1] as string).toLowerCase(), base64: match[2] as string };
}
