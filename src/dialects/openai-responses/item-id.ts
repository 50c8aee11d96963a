/**
 * Ids in OpenAI's Responses form: a prefix (`resp`, `msg`, `fc`, `rs`) and 48 hex digits, for the response and
 * output items the gateway creates. Uses Web Crypto, available in Node 20 and browsers alike.
 */
export function createItemId(prefix: "resp" | "msg" | "fc" | "rs"): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(24));
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return `${prefix}_${hex}`;
}
