// The shapes of a key's stored digest and public id, apart from the config schema (no zod here): the key tools
// of the CLI, loaded with every command, need them without the config's validation code.

/** A stored key digest: HMAC-SHA-256 with the pepper (`governance/keys/key-digest.ts`). */
export const DIGEST_PATTERN = /^hmac:v1:[0-9a-f]{64}$/;
export const DIGEST_FORMAT = "'hmac:v1:' followed by 64 lowercase hex digits";
/** A key's public id: the 12 base62 characters after `sk-sy-`. */
export const PUBLIC_ID_PATTERN = /^[0-9A-Za-z]{12}$/;
