import { GatewayError } from "../../canonical/index.js";
import type { AuthSettings } from "../../config/governance/auth-settings.js";
import type { GovernanceConfig } from "../../config/governance/governance-config.js";
import { gatewaySecrets } from "../../observability/secret-set.js";
import { KeyHasher } from "../keys/key-digest.js";
import { GATEWAY_KEY_SHAPE, looksLikeGatewayKey } from "../keys/key-format.js";
import type { DeclaredRecords } from "../objects/declared-records.js";
import type { GovernanceStore } from "../store/governance-store.js";
import { Authenticator, type AuthOutcome } from "./authenticator.js";
import { credentialOf } from "./credential.js";
import { KeyDirectory, type KnownKey } from "./key-directory.js";
import { KeyUsageRecorder } from "./key-usage-recorder.js";
import { MasterKeys } from "./master-keys.js";

type Headers = Record<string, string | string[] | undefined>;

/** A request let in: with the key it presented, or none (an open gateway, a master key on a surface). */
export type Admission = { ok: true; key: KnownKey | null } | { ok: false; error: GatewayError };

const OPEN: Admission = { ok: true, key: null };

/**
 * Who may do what, per request: inference (a gateway key when required; a gateway key presented is always
 * checked), the surfaces reachable "with a key" (a gateway key or a master key), the caller's own record (a
 * gateway key), and the admin API (a master key only). Synchronous when the answer is cached.
 */
export class AccessControl {
  readonly directory: KeyDirectory;
  private settings!: AuthSettings;
  private hasher: KeyHasher | undefined;
  private masterKeys!: MasterKeys;
  private authenticator: Authenticator | undefined;
  private readonly usage: KeyUsageRecorder;

  constructor(store: GovernanceStore | undefined, governance: GovernanceConfig, declared: DeclaredRecords) {
    // Every gateway key, presented here or not, is redacted from what the gateway sends and logs.
    gatewaySecrets.addShape(GATEWAY_KEY_SHAPE);
    this.usage = new KeyUsageRecorder(store);
    this.directory = new KeyDirectory(store, settingsOf(governance.auth));
    this.configure(governance, declared);
  }

  configure(governance: GovernanceConfig, declared: DeclaredRecords): void {
    const auth = governance.auth;
    this.settings = auth;
    this.hasher = auth.pepper === undefined ? undefined : new KeyHasher(auth.pepper, auth.pepperPrevious);
    this.masterKeys = new MasterKeys(governance.admin.masterKeys, this.hasher);
    this.authenticator =
      this.hasher === undefined
        ? undefined
        : new Authenticator(this.directory, this.hasher, this.masterKeys, this.usage);
    this.directory.configure(declared, settingsOf(auth));
  }

  get surfaces(): AuthSettings["surfaces"] {
    return this.settings.surfaces;
  }

  get required(): boolean {
    return this.settings.required;
  }

  /** The hasher of gateway keys (undefined when keys are not in use: no pepper). */
  get keyHasher(): KeyHasher | undefined {
    return this.hasher;
  }

  /** An inference call: with `required`, a valid gateway key; otherwise a gateway key presented must be valid. */
  admitInference(headers: Headers): Admission | Promise<Admission> {
    const credential = credentialOf(headers);
    if (credential === undefined)
      return this.settings.required ? { ok: false, error: missingKey("this gateway's API") } : OPEN;
    // On an open gateway, other credentials (a client's own provider key) are ignored, as before keys existed.
    if (!this.settings.required && !looksLikeGatewayKey(credential)) return OPEN;
    return this.gatewayKey(credential);
  }

  /** A surface set to `key` (metrics, docs): a gateway key or a master key. */
  admitAnyKey(headers: Headers, surface: string): Admission | Promise<Admission> {
    const credential = credentialOf(headers);
    if (credential === undefined) return { ok: false, error: missingKey(surface) };
    if (this.masterKeys.identify(credential) !== undefined) return OPEN;
    return this.gatewayKey(credential);
  }

  /** The caller's own record (`GET /v1/me`): a gateway key, whether or not inference requires one. */
  admitOwnKey(headers: Headers): Admission | Promise<Admission> {
    const credential = credentialOf(headers);
    if (credential === undefined) return { ok: false, error: missingKey("/v1/me") };
    return this.gatewayKey(credential);
  }

  /** The admin API: the name of the master key presented, or the 401 to answer. */
  admitAdmin(headers: Headers): { ok: true; actor: string } | { ok: false; error: GatewayError } {
    const credential = credentialOf(headers);
    if (credential === undefined)
      return {
        ok: false,
        error: new GatewayError(
          "invalid_master_key",
          "The admin API needs a master key: send it as 'Authorization: Bearer <master key>'.",
        ),
      };
    const name = this.masterKeys.identify(credential);
    if (name !== undefined) return { ok: true, actor: `master:${name}` };
    return {
      ok: false,
      error: new GatewayError(
        "invalid_master_key",
        looksLikeGatewayKey(credential)
          ? "The admin API needs a master key; a gateway key cannot manage keys."
          : "The master key is not valid.",
      ),
    };
  }

  private gatewayKey(credential: string): Admission | Promise<Admission> {
    if (this.authenticator === undefined)
      return {
        ok: false,
        error: new GatewayError(
          "invalid_api_key",
          "This gateway has no gateway keys (governance.auth.pepper is not set).",
        ),
      };
    const outcome = this.authenticator.authenticate(credential);
    return outcome instanceof Promise ? outcome.then(admission) : admission(outcome);
  }
}

function admission(outcome: AuthOutcome): Admission {
  return outcome.ok ? { ok: true, key: outcome.key } : outcome;
}

function missingKey(what: string): GatewayError {
  return new GatewayError(
    "missing_api_key",
    `Missing gateway key: ${what} needs one, sent as 'Authorization: Bearer sk-sy-…' (or in an 'x-api-key' or 'api-key' header).`,
  );
}

function settingsOf(auth: AuthSettings): { ttlMs: number; staleForMs: number } {
  return { ttlMs: auth.cacheTtlMs, staleForMs: auth.staleForMs };
}
