const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * An id in OpenAI's form (`chatcmpl-` / `cmpl-` and 29 letters and digits), for responses whose upstream gave
 * none. Uses Web Crypto, available in Node 20 and browsers alike.
 */
export function createResponseId(prefix: "chatcmpl" | "cmpl"): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(29));
  let id = `${prefix}-`;
  // 256 % 62 != 0, so this is very slightly biased; the id only has to be unique, not uniform.
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
