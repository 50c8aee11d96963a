import { digestBytes } from "../keys/key-digest.js";
import type { DeclaredRecords } from "../objects/declared-records.js";
import type { GroupRecord, KeyRecord, ObjectKind, OrgRecord } from "../objects/governance-records.js";
import type { Principal } from "../principal.js";
import { type ChangeEvent, type GovernanceStore, StoreUnavailableError } from "../store/governance-store.js";
import { buildPrincipal } from "./principal-builder.js";

/** A key as the request path needs it: prepared once per lookup, used by every request until it changes. */
export interface KnownKey {
  record: KeyRecord;
  principal: Principal;
  /** The raw digests and until when each is valid (null: no end; a rotation gives the old one an end). */
  digests: { bytes: Buffer; notAfterMs: number | null }[];
  expiresAtMs: number | null;
}

export type KeyLookup =
  | { kind: "found"; key: KnownKey }
  | { kind: "unknown" }
  /** The store cannot be reached and nothing usable is cached. */
  | { kind: "unavailable" };

export interface KeyDirectorySettings {
  /** How long a looked-up key is trusted without asking again (changes arrive sooner, as events). */
  ttlMs: number;
  /** While the store is unreachable, keys fetched within this time stay usable. */
  staleForMs: number;
}

interface Entry {
  key: KnownKey | null;
  fetchedAt: number;
}

const UNKNOWN: KeyLookup = { kind: "unknown" };
const UNAVAILABLE: KeyLookup = { kind: "unavailable" };
/** Bounds the cache, so a flood of well-formed random ids cannot grow it without end. */
const MAX_ENTRIES = 50_000;
/** A hot key is refreshed in the background once this share of its time to live has passed. */
const REFRESH_AHEAD = 0.75;

/**
 * Finds keys by public id for the request path: declared keys from the config, then a per-worker cache of the
 * store's keys (unknown ids too, so random keys do not reach the store twice). A fresh entry answers without
 * any I/O; change events drop entries at once; the time to live is the backstop for a lost event.
 */
export class KeyDirectory {
  private declaredKeys = new Map<string, KnownKey>();
  private declared: DeclaredRecords = { keys: new Map(), groups: new Map(), orgs: new Map() };
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<KeyLookup>>();
  private readonly objects = new Map<
    string,
    { record: GroupRecord | OrgRecord | undefined; fetchedAt: number }
  >();
  /** Bumped by every change: a lookup that started before a change does not cache its (maybe old) answer. */
  private generation = 0;

  constructor(
    private readonly store: GovernanceStore | undefined,
    private settings: KeyDirectorySettings,
    private readonly now: () => number = Date.now,
  ) {
    store?.onChange((event) => this.changed(event));
  }

  /** A new config: its declared objects and cache settings. Cached keys are dropped (their groups may differ). */
  configure(declared: DeclaredRecords, settings: KeyDirectorySettings): void {
    this.declared = declared;
    this.settings = settings;
    this.declaredKeys = new Map(
      [...declared.keys.values()].map((record) => [
        record.id,
        this.prepare(record, ...this.hierarchyOf(record)),
      ]),
    );
    this.changed({ kind: "all" });
  }

  /** The answer if it is known and fresh, without I/O; undefined when `load` must ask the store. */
  peek(id: string): KeyLookup | undefined {
    const declared = this.declaredKeys.get(id);
    if (declared !== undefined) return { kind: "found", key: declared };
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    const age = this.now() - entry.fetchedAt;
    if (age >= this.settings.ttlMs) return undefined;
    if (age >= this.settings.ttlMs * REFRESH_AHEAD && !this.loading.has(id))
      this.load(id).catch(() => {
        // A failed refresh keeps the entry; the next lookup after its time to live decides.
      });
    return entry.key === null ? UNKNOWN : { kind: "found", key: entry.key };
  }

  /** Asks the store (one request per id at a time, however many requests wait for it). */
  load(id: string): Promise<KeyLookup> {
    const declared = this.peekDeclared(id);
    if (declared !== undefined) return Promise.resolve(declared);
    const running = this.loading.get(id);
    if (running !== undefined) return running;
    const lookup = this.fetch(id).finally(() => this.loading.delete(id));
    this.loading.set(id, lookup);
    return lookup;
  }

  /** Drops what is known of a key (after this worker changed it: the event may come a moment later). */
  forget(id: string): void {
    this.changed({ kind: "key", id });
  }

  private peekDeclared(id: string): KeyLookup | undefined {
    const declared = this.declaredKeys.get(id);
    return declared === undefined ? undefined : { kind: "found", key: declared };
  }

  private async fetch(id: string): Promise<KeyLookup> {
    if (this.store === undefined) return UNKNOWN;
    const generation = this.generation;
    try {
      const record = (await this.store.get("key", id)) as KeyRecord | undefined;
      const key = record === undefined ? null : await this.resolve(record);
      if (generation === this.generation) this.remember(id, key);
      return key === null ? UNKNOWN : { kind: "found", key };
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      // The store is down: what was fetched recently enough still answers (a bounded time).
      const entry = this.entries.get(id);
      if (entry === undefined || this.now() - entry.fetchedAt >= this.settings.staleForMs) return UNAVAILABLE;
      return entry.key === null ? UNKNOWN : { kind: "found", key: entry.key };
    }
  }

  private async resolve(record: KeyRecord): Promise<KnownKey> {
    const group = record.group === null ? undefined : await this.object("group", record.group);
    const orgId = (group as GroupRecord | undefined)?.org ?? null;
    const org = orgId === null ? undefined : await this.object("org", orgId);
    return this.prepare(record, group as GroupRecord | undefined, org as OrgRecord | undefined);
  }

  /** A group or org: declared, else from the store (cached like keys). */
  private async object(kind: ObjectKind, id: string): Promise<GroupRecord | OrgRecord | undefined> {
    const declared = kind === "group" ? this.declared.groups.get(id) : this.declared.orgs.get(id);
    if (declared !== undefined) return declared;
    const cacheKey = `${kind}:${id}`;
    const cached = this.objects.get(cacheKey);
    if (cached !== undefined && this.now() - cached.fetchedAt < this.settings.ttlMs) return cached.record;
    const record = (await this.store?.get(kind, id)) as GroupRecord | OrgRecord | undefined;
    this.objects.set(cacheKey, { record, fetchedAt: this.now() });
    return record;
  }

  private hierarchyOf(record: KeyRecord): [GroupRecord | undefined, OrgRecord | undefined] {
    const group = record.group === null ? undefined : this.declared.groups.get(record.group);
    const org = group?.org == null ? undefined : this.declared.orgs.get(group.org);
    return [group, org];
  }

  private prepare(record: KeyRecord, group: GroupRecord | undefined, org: OrgRecord | undefined): KnownKey {
    const digests: KnownKey["digests"] = [];
    for (const secret of record.secrets) {
      const bytes = digestBytes(secret.digest);
      if (bytes !== undefined)
        digests.push({ bytes, notAfterMs: secret.not_after === null ? null : Date.parse(secret.not_after) });
    }
    return {
      record,
      principal: buildPrincipal(record, group, org),
      digests,
      expiresAtMs: record.expires_at === null ? null : Date.parse(record.expires_at),
    };
  }

  private remember(id: string, key: KnownKey | null): void {
    this.entries.delete(id);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { key, fetchedAt: this.now() });
  }

  private changed(event: ChangeEvent): void {
    this.generation++;
    if (event.kind === "key") {
      this.entries.delete(event.id);
      return;
    }
    // A group or org change reaches every key under it: start over (changes of groups and orgs are rare).
    this.entries.clear();
    this.objects.clear();
  }
}
