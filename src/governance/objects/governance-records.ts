import type { z } from "zod";
import type { budgetsSchema, limitsSchema } from "../../config/governance/limit-blocks.js";

/**
 * The governance objects (keys, groups, orgs) as stored and as the admin API shows them (snake_case: they are
 * JSON documents on the wire and in the store). Declarative objects from the config have the same shape, with
 * `managed_by: "config"`. Limits and budgets are kept as written; `principal-builder.ts` normalises them.
 */
export type ObjectKind = "key" | "group" | "org";
export type LimitsBlock = z.infer<typeof limitsSchema>;
export type BudgetsBlock = z.infer<typeof budgetsSchema>;
export type ManagedBy = "api" | "config";

/** `disabled` can be undone (PATCH); `revoked` and `deleted` are final and drop every secret. */
export type KeyStatus = "active" | "disabled" | "revoked" | "deleted";

export interface KeySecret {
  /** `hmac:v1:<hex>`: never shown by the API, never in the audit log. */
  digest: string;
  created_at: string;
  /** After a rotation: the old secret works until then. Null for the current secret. */
  not_after: string | null;
}

interface Attachments {
  limits: LimitsBlock | null;
  budgets: BudgetsBlock | null;
  metadata: Record<string, unknown>;
  managed_by: ManagedBy;
  created_at: string;
  updated_at: string;
  /** Increases with every write; writes name the version they read (optimistic concurrency). */
  version: number;
}

export interface KeyRecord extends Attachments {
  id: string;
  alias: string | null;
  group: string | null;
  routes: string[] | null;
  models: string[] | null;
  expires_at: string | null;
  status: KeyStatus;
  secrets: KeySecret[];
  revoked_at: string | null;
  deleted_at: string | null;
}

export interface GroupRecord extends Attachments {
  id: string;
  org: string | null;
}

export interface OrgRecord extends Attachments {
  id: string;
}

export type GovernanceRecord = KeyRecord | GroupRecord | OrgRecord;

export interface RecordOfKind {
  key: KeyRecord;
  group: GroupRecord;
  org: OrgRecord;
}

/** A key as shown by the API and `/v1/me`: without digests, with a hint of what the key looks like. */
export interface KeyView extends Omit<KeyRecord, "secrets"> {
  key_hint: string;
  secrets: { created_at: string; not_after: string | null }[];
  last_used_at: string | null;
}

/** The key's public form: digests dropped (they are verification material, not for display). */
export function keyView(record: KeyRecord, lastUsedAt: string | null): KeyView {
  const { secrets, ...rest } = record;
  return {
    ...rest,
    key_hint: `sk-sy-${record.id}-…`,
    secrets: secrets.map((secret) => ({ created_at: secret.created_at, not_after: secret.not_after })),
    last_used_at: lastUsedAt,
  };
}

/** What the audit log keeps of an object: its public form (no digest, no secret). */
export function auditSnapshot(kind: ObjectKind, record: GovernanceRecord | null): unknown {
  if (record === null) return null;
  return kind === "key" ? keyView(record as KeyRecord, null) : record;
}
