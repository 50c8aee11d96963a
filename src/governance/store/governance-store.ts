import type { GovernanceRecord, ObjectKind } from "../objects/governance-records.js";

/** One entry of the audit log: who changed what, from where, and how it looked before and after. */
export interface AuditEntry {
  /** Assigned by the store; increasing (the cursor of `GET /admin/v1/audit`). */
  id: string;
  ts: string;
  /** The master key's name (`master:ops`). */
  actor: string;
  actor_ip: string | null;
  /** `key.create`, `key.rotate`, `group.update`, ... */
  action: string;
  object_type: ObjectKind;
  object_id: string;
  /** Public forms only: digests and secrets never reach the audit log. */
  before: unknown;
  after: unknown;
  request_id: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, "id">;

/**
 * One atomic change: the object is written only if its stored version is still `expectedVersion` (0: it must
 * not exist yet), a key's alias stays unique, and the audit entry is appended in the same step, so the log
 * and the objects never disagree.
 */
export interface ObjectWrite {
  kind: ObjectKind;
  id: string;
  expectedVersion: number;
  /** The new record (its version one above `expectedVersion`), or null to remove the object. */
  record: GovernanceRecord | null;
  /** Keys only: the alias the key holds after the write (unique among keys not deleted), and before it. */
  alias: string | null;
  previousAlias: string | null;
  audit: NewAuditEntry;
}

export type WriteResult =
  | { ok: true; auditId: string }
  | { ok: false; reason: "exists" | "missing" | "conflict" | "alias_taken" };

export interface AuditQuery {
  limit: number;
  /** Only entries older than this id (the previous page's `next_cursor`). */
  cursor?: string;
  objectType?: ObjectKind;
  objectId?: string;
  actor?: string;
  action?: string;
  /** ISO time: only entries at or after it. */
  since?: string;
}

/** Newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

/** What changed, for caches: one object, or everything (after missed events). */
export type ChangeEvent = { kind: ObjectKind; id: string } | { kind: "all" };

/**
 * Where keys, groups, orgs and the audit log live: the embedded SQLite file (through the owner process) or
 * Redis. One interface, two implementations; nothing above it knows which. Every method rejects with
 * `StoreUnavailableError` when the store cannot answer in time.
 */
export interface GovernanceStore {
  get(kind: ObjectKind, id: string): Promise<GovernanceRecord | undefined>;
  list(kind: ObjectKind): Promise<GovernanceRecord[]>;
  write(change: ObjectWrite): Promise<WriteResult>;
  /** Records when keys were last used (`id -> ISO time`); no version change, no audit, no event. */
  touchKeys(usedAt: Record<string, string>): Promise<void>;
  lastUsed(ids: readonly string[]): Promise<Record<string, string>>;
  audit(query: AuditQuery): Promise<AuditPage>;
  /** Told of every change, whichever replica or worker made it. */
  onChange(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}

/** The store did not answer (Redis down or slow, owner gone): callers apply the degraded behaviour. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/** The largest page `audit()` returns. */
export const MAX_AUDIT_PAGE = 500;
