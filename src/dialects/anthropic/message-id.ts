const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * An id in Anthropic's form (`msg_` and 24 letters and digits) for the messages the gateway translates. Uses Web
 * Crypto, available in Node 20 and browsers alike.
 */
export function createMessageId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(24));
  let id = "msg_";
  // 256 % 62 != 0, so this is very slightly biased; the id only has to be unique, not uniform.
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
