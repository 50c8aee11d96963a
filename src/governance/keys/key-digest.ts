import { createHmac, timingSafeEqual } from "node:crypto";
import { DIGEST_PATTERN } from "../../config/governance/key-patterns.js";

export { DIGEST_FORMAT, DIGEST_PATTERN } from "../../config/governance/key-patterns.js";

/** How keys are stored: `hmac:v1:` and the hex of HMAC-SHA-256(pepper, whole key). */
export const DIGEST_PREFIX = "hmac:v1:";

/**
 * Turns keys into digests and checks keys against them. Keys are random (256 bits), so a fast keyed hash is
 * enough; the pepper, which lives only in the gateway's config and never in a store, means a leaked store dump
 * cannot even test a guess. The digest covers the whole key, so
 * `printf %s "$KEY" | openssl dgst -sha256 -hmac "$PEPPER"` computes it too.
 */
export class KeyHasher {
  constructor(
    private readonly pepper: string,
    /** During a pepper rotation: digests made with the previous pepper still match. */
    private readonly previousPepper: string | undefined = undefined,
  ) {}

  /** The digest of a key (or of a master key), as stored. */
  digest(key: string): string {
    return `${DIGEST_PREFIX}${this.raw(key, this.pepper).toString("hex")}`;
  }

  /**
   * Whether `key` matches one of `digests` (raw, from `digestBytes`). Every comparison is constant-time and
   * every candidate is compared, so the time taken says nothing about which digest, if any, matched.
   */
  matches(key: string, digests: readonly Buffer[]): boolean {
    if (digests.length === 0) return false;
    if (anyEqual(this.raw(key, this.pepper), digests)) return true;
    return this.previousPepper !== undefined && anyEqual(this.raw(key, this.previousPepper), digests);
  }

  private raw(key: string, pepper: string): Buffer {
    return createHmac("sha256", pepper).update(key).digest();
  }
}

/** The 32 bytes of a stored digest (`hmac:v1:<hex>`); undefined when it is not one. */
export function digestBytes(digest: string): Buffer | undefined {
  return DIGEST_PATTERN.test(digest) ? Buffer.from(digest.slice(DIGEST_PREFIX.length), "hex") : undefined;
}

function anyEqual(candidate: Buffer, digests: readonly Buffer[]): boolean {
  let found = false;
  for (const digest of digests) {
    // Equal lengths by construction (32 bytes); `|` rather than `||` keeps comparing after a match.
    found = (digest.length === candidate.length && timingSafeEqual(digest, candidate)) || found;
  }
  return found;
}
