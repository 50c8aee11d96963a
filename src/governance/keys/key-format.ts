import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import type { SecretShape } from "../../observability/secret-shape.js";

/**
 * Gateway keys look like `sk-sy-<public id>-<secret><checksum>`:
 * - `sk-` keeps tools that expect OpenAI-shaped keys happy, `sy` makes the key easy for secret scanners to find;
 * - the public id (12 base62 characters) names the key in logs, the admin API and the audit log;
 * - the secret is 43 random base62 characters (256 bits, as 32 random bytes);
 * - the checksum (6 base62 characters of CRC32 over everything before it) lets the gateway reject a mistyped
 *   or made-up key without a store lookup, so a flood of random keys never reaches the store.
 */
export const KEY_PREFIX = "sk-sy-";
export const PUBLIC_ID_LENGTH = 12;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_PATTERN = new RegExp(
  `^${KEY_PREFIX}([0-9A-Za-z]{${PUBLIC_ID_LENGTH}})-[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`,
);

/**
 * Every gateway key's form, for redaction (observability/secret-shape.ts): any key-shaped text is redacted
 * wherever it would leave the gateway, this gateway's keys or not, valid checksum or not.
 */
export const GATEWAY_KEY_SHAPE: SecretShape = {
  prefix: KEY_PREFIX,
  whole: new RegExp(
    `${KEY_PREFIX}[0-9A-Za-z]{${PUBLIC_ID_LENGTH}}-[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}`,
    "y",
  ),
  couldStart: new RegExp(
    `^(?:s|sk|sk-|sk-s|sk-sy|${KEY_PREFIX}[0-9A-Za-z]{0,${PUBLIC_ID_LENGTH - 1}}|${KEY_PREFIX}[0-9A-Za-z]{${PUBLIC_ID_LENGTH}}(?:-[0-9A-Za-z]{0,${SECRET_LENGTH + CHECKSUM_LENGTH - 1}})?)$`,
  ),
  maxLength: KEY_PREFIX.length + PUBLIC_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH,
};

/** A new key: its public id, and the whole key (shown once, then only its digest is kept). */
export function generateKey(publicId: string = randomBase62(PUBLIC_ID_LENGTH)): { id: string; key: string } {
  const body = `${KEY_PREFIX}${publicId}-${randomBase62(SECRET_LENGTH)}`;
  return { id: publicId, key: `${body}${checksumOf(body)}` };
}

export function generatePublicId(): string {
  return randomBase62(PUBLIC_ID_LENGTH);
}

/**
 * The public id of a well-formed key whose checksum matches, else undefined. Pure and cheap (one CRC32): the
 * request path calls it before any lookup.
 */
export function publicIdOf(candidate: string): string | undefined {
  const match = KEY_PATTERN.exec(candidate);
  if (match === null) return undefined;
  const bodyLength = candidate.length - CHECKSUM_LENGTH;
  if (checksumOf(candidate.slice(0, bodyLength)) !== candidate.slice(bodyLength)) return undefined;
  return match[1];
}

/** Whether a credential is meant as a gateway key (even a mistyped one), by its prefix. */
export function looksLikeGatewayKey(candidate: string): boolean {
  return candidate.startsWith(KEY_PREFIX);
}

/** A key as it may be shown: prefix and public id only (`sk-sy-AbC123xyz789-…`). */
export function keyHint(publicId: string): string {
  return `${KEY_PREFIX}${publicId}-…`;
}

function checksumOf(body: string): string {
  let value = crc32(body);
  let text = "";
  for (let index = 0; index < CHECKSUM_LENGTH; index++) {
    text = BASE62[value % 62] + text;
    value = Math.floor(value / 62);
  }
  return text;
}

/** Uniform random base62 text: bytes of 248 and above are dropped, so every character is equally likely. */
export function randomBase62(length: number): string {
  let text = "";
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue;
      text += BASE62[byte % 62];
      if (text.length === length) break;
    }
  }
  return text;
}
