import { toBudgets, toLimits } from "../../config/governance/limit-blocks.js";
import type { GroupRecord, KeyRecord, OrgRecord } from "../objects/governance-records.js";
import type { Principal, PrincipalScope } from "../principal.js";

/**
 * The Principal of a key: the key, its group and the group's org, most specific first, each with its limits
 * and budgets normalised. A group or org that no longer exists is named but carries nothing.
 */
export function buildPrincipal(
  key: KeyRecord,
  group: GroupRecord | undefined,
  org: OrgRecord | undefined,
): Principal {
  const scopes: PrincipalScope[] = [scopeOf("key", key)];
  if (group !== undefined) scopes.push(scopeOf("group", group));
  if (org !== undefined) scopes.push(scopeOf("org", org));
  return {
    keyId: key.id,
    alias: key.alias ?? undefined,
    group: key.group ?? undefined,
    org: group?.org ?? undefined,
    scopes,
    routes: key.routes,
    models: key.models,
  };
}

function scopeOf(
  scope: PrincipalScope["scope"],
  record: Pick<KeyRecord, "id" | "limits" | "budgets">,
): PrincipalScope {
  return {
    scope,
    id: record.id,
    limits: toLimits(record.limits ?? undefined),
    budgets: toBudgets(record.budgets ?? undefined).budgets,
  };
}
