import type { DeclaredGroup, DeclaredKey, DeclaredOrg } from "../../config/governance/declared-objects.js";
import type { GovernanceConfig } from "../../config/governance/governance-config.js";
import type { GroupRecord, KeyRecord, OrgRecord } from "./governance-records.js";

/** The config's declarative keys, groups and orgs as records (`managed_by: config`), by id. */
export interface DeclaredRecords {
  keys: ReadonlyMap<string, KeyRecord>;
  groups: ReadonlyMap<string, GroupRecord>;
  orgs: ReadonlyMap<string, OrgRecord>;
}

/** Builds them once per config version; `loadedAt` stands for their creation and update times. */
export function declaredRecords(governance: GovernanceConfig, loadedAt: string): DeclaredRecords {
  const stamps = { managed_by: "config" as const, created_at: loadedAt, updated_at: loadedAt, version: 1 };
  const org = (entry: DeclaredOrg): OrgRecord => ({
    id: entry.id,
    limits: entry.limits,
    budgets: entry.budgets,
    metadata: entry.metadata,
    ...stamps,
  });
  const group = (entry: DeclaredGroup): GroupRecord => ({ ...org(entry), org: entry.org });
  const key = (entry: DeclaredKey): KeyRecord => ({
    id: entry.id,
    alias: entry.alias,
    group: entry.group,
    routes: entry.routes,
    models: entry.models,
    expires_at: entry.expiresAt,
    status: entry.status,
    secrets: [{ digest: entry.digest, created_at: loadedAt, not_after: null }],
    limits: entry.limits,
    budgets: entry.budgets,
    metadata: entry.metadata,
    revoked_at: null,
    deleted_at: null,
    ...stamps,
  });
  return {
    keys: new Map(governance.keys.map((entry) => [entry.id, key(entry)])),
    groups: new Map(governance.groups.map((entry) => [entry.id, group(entry)])),
    orgs: new Map(governance.orgs.map((entry) => [entry.id, org(entry)])),
  };
}
