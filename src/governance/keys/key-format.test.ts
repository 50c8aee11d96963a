import { describe, expect, it } from "vitest";
import { DIGEST_PATTERN, digestBytes, KeyHasher } from "./key-digest.js";
import { generateKey, keyHint, publicIdOf, randomBase62 } from "./key-format.js";

describe("gateway key format", () => {
  it("generates checksummed keys whose public id can be read back", () => {
    const { id, key } = generateKey();
    expect(key).toMatch(/^sk-sy-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/);
    expect(publicIdOf(key)).toBe(id);
    expect(keyHint(id)).toBe(`sk-sy-${id}-…`);
    expect(generateKey().key).not.toBe(key);
  });

  it("rejects a key with one character changed, truncated, or of another shape, without any lookup", () => {
    const { key } = generateKey();
    const last = key.at(-1) === "a" ? "b" : "a";
    const secretAt = key.length - 20;
    const flipped = `${key.slice(0, secretAt)}${key[secretAt] === "x" ? "y" : "x"}${key.slice(secretAt + 1)}`;
    for (const bad of [
      `${key.slice(0, -1)}${last}`,
      flipped,
      key.slice(0, -1),
      `${key}0`,
      key.replace("sk-sy-", "sk-xx-"),
      "sk-sy-",
      "",
      "Bearer something",
      "sk-proj-abcdef",
    ])
      expect(publicIdOf(bad), bad).toBeUndefined();
  });

  it("draws every base62 character", () => {
    const text = randomBase62(5000);
    expect(new Set(text).size).toBe(62);
  });
});

describe("key digests", () => {
  it("are the HMAC-SHA-256 of the whole key with the pepper (RFC 4231 test case 2)", () => {
    // The same digest as `printf %s "$KEY" | openssl dgst -sha256 -hmac "$PEPPER"`, which the docs show.
    const hasher = new KeyHasher("Jefe");
    expect(hasher.digest("what do ya want for nothing?")).toBe(
      "hmac:v1:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(hasher.digest(generateKey().key)).toMatch(DIGEST_PATTERN);
  });

  it("match only the right key, and with a previous pepper during a pepper rotation", () => {
    const { key } = generateKey();
    const old = new KeyHasher("the-old-pepper-0123456789");
    const oldDigest = digestBytes(old.digest(key)) as Buffer;
    const rotated = new KeyHasher("the-new-pepper-0123456789", "the-old-pepper-0123456789");
    const fresh = new KeyHasher("the-new-pepper-0123456789");
    expect(rotated.matches(key, [oldDigest])).toBe(true);
    expect(fresh.matches(key, [oldDigest])).toBe(false);
    expect(rotated.matches(generateKey().key, [oldDigest])).toBe(false);
    expect(fresh.matches(key, [])).toBe(false);
    expect(digestBytes("hmac:v1:abc")).toBeUndefined();
  });
});
