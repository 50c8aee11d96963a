import { GatewayError } from "../../canonical/index.js";
import type { KeyHasher } from "../keys/key-digest.js";
import { keyHint, publicIdOf } from "../keys/key-format.js";
import type { KeyDirectory, KeyLookup, KnownKey } from "./key-directory.js";
import type { KeyUsageRecorder } from "./key-usage-recorder.js";
import type { MasterKeys } from "./master-keys.js";

export type AuthOutcome = { ok: true; key: KnownKey } | { ok: false; error: GatewayError };

/**
 * Checks a gateway key on the request path: format and checksum first (garbage never reaches the store), then
 * the worker's directory (a fresh key answers without I/O), then the HMAC digest compared in constant time,
 * then status and expiry. Synchronous when the key is cached, so a warm request costs no promise.
 */
export class Authenticator {
  constructor(
    private readonly directory: KeyDirectory,
    private readonly hasher: KeyHasher,
    private readonly masterKeys: MasterKeys,
    private readonly usage: KeyUsageRecorder,
    private readonly now: () => number = Date.now,
  ) {}

  authenticate(credential: string): AuthOutcome | Promise<AuthOutcome> {
    const id = publicIdOf(credential);
    if (id === undefined) return { ok: false, error: this.malformed(credential) };
    const known = this.directory.peek(id);
    if (known !== undefined) return this.verify(credential, id, known);
    return this.directory.load(id).then((lookup) => this.verify(credential, id, lookup));
  }

  private verify(credential: string, id: string, lookup: KeyLookup): AuthOutcome {
    if (lookup.kind === "unavailable")
      return {
        ok: false,
        error: new GatewayError(
          "governance_unavailable",
          "Gateway keys cannot be checked right now: the governance store is unavailable. Retry shortly.",
          { retryAfterSeconds: 1 },
        ),
      };
    const hint = keyHint(id);
    if (lookup.kind === "unknown")
      return invalid(`Unknown gateway key ${hint}: no key with this id exists on this gateway.`);
    const { key } = lookup;
    const { record } = key;
    if (record.status === "revoked")
      return invalid(`The gateway key ${hint} was revoked (at ${record.revoked_at}).`);
    if (record.status === "deleted") return invalid(`The gateway key ${hint} was deleted.`);
    const now = this.now();
    const live = key.digests.filter((digest) => digest.notAfterMs === null || digest.notAfterMs > now);
    if (
      !this.hasher.matches(
        credential,
        live.map((digest) => digest.bytes),
      )
    )
      return invalid(
        `The gateway key ${hint} is not valid: its secret does not match (a secret replaced by a rotation stops working when its grace period ends).`,
      );
    if (record.status === "disabled") return invalid(`The gateway key ${hint} is disabled.`);
    if (key.expiresAtMs !== null && key.expiresAtMs <= now)
      return invalid(`The gateway key ${hint} expired at ${record.expires_at}.`);
    // The key itself is redacted wherever it would leave the gateway by its shape (GATEWAY_KEY_SHAPE).
    this.usage.used(id, now);
    return { ok: true, key };
  }

  private malformed(credential: string): GatewayError {
    if (this.masterKeys.identify(credential) !== undefined)
      return new GatewayError(
        "invalid_api_key",
        "A master key opens the admin API only; it is not an inference key. Create a gateway key (POST /admin/v1/keys or `switchyard keys create`) and send that.",
      );
    return new GatewayError(
      "invalid_api_key",
      credential.startsWith("sk-sy-")
        ? "The gateway key is malformed: its checksum does not match (was it copied whole?)."
        : "The credential is not a gateway key: gateway keys look like sk-sy-<id>-<secret>.",
    );
  }
}

function invalid(message: string): AuthOutcome {
  return { ok: false, error: new GatewayError("invalid_api_key", message) };
}
