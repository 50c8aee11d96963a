import type { MasterKey } from "../../config/governance/admin-settings.js";
import { gatewaySecrets } from "../../observability/secret-set.js";
import { digestBytes, type KeyHasher } from "../keys/key-digest.js";

/**
 * The admin API's master keys, held as digests only (a key given in the clear is digested at load). A master
 * key opens the admin API and nothing else: it is not a gateway key, so it never passes inference.
 */
export class MasterKeys {
  private readonly digests: { name: string; bytes: Buffer }[];

  constructor(
    keys: readonly MasterKey[],
    private readonly hasher: KeyHasher | undefined,
  ) {
    this.digests = [];
    for (const key of keys) {
      const digest = "digest" in key ? key.digest : hasher?.digest(key.key);
      const bytes = digest === undefined ? undefined : digestBytes(digest);
      if (bytes !== undefined) this.digests.push({ name: key.name, bytes });
    }
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  /** The name of the master key `credential` is, or undefined. Compares against every key in constant time. */
  identify(credential: string): string | undefined {
    if (this.hasher === undefined || this.digests.length === 0) return undefined;
    let found: string | undefined;
    for (const candidate of this.digests) {
      if (this.hasher.matches(credential, [candidate.bytes])) found ??= candidate.name;
    }
    // A master key configured as a digest is known in the clear only now: redacted from here on.
    if (found !== undefined && !gatewaySecrets.has(credential)) gatewaySecrets.add([credential]);
    return found;
  }
}
