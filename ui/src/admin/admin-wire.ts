/**
 * What the admin API (`/admin/v1`, docs/access-control.md) answers, as far as the console reads it. The
 * gateway's OpenAPI document (tag "Admin API") is the full contract.
 */
export type KeyStatus = "active" | "disabled" | "revoked" | "deleted";

export type LimitsBlock = Record<string, unknown>;
export type BudgetsBlock = Record<string, unknown>[];

interface Attachments {
  limits: LimitsBlock | null;
  budgets: BudgetsBlock | null;
  metadata: Record<string, unknown>;
  managed_by: "api" | "config";
  created_at: string;
  updated_at: string;
  version: number;
}

export interface KeyView extends Attachments {
  id: string;
  alias: string | null;
  group: string | null;
  routes: string[] | null;
  models: string[] | null;
  expires_at: string | null;
  status: KeyStatus;
  revoked_at: string | null;
  deleted_at: string | null;
  key_hint: string;
  secrets: { created_at: string; not_after: string | null }[];
  last_used_at: string | null;
}

/** The answer of a create or a rotation: the only time the secret is shown. */
export interface KeyWithSecret extends KeyView {
  key: string;
}

export interface GroupView extends Attachments {
  id: string;
  org: string | null;
}

export interface OrgView extends Attachments {
  id: string;
}

export interface ListPage<T> {
  data: T[];
  next_cursor: string | null;
}

export interface AuditEntry {
  ts: string;
  actor: string;
  actor_ip: string | null;
  action: string;
  object_type: string;
  object_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}
