import { z } from "zod";
import type { GovernanceSection } from "./governance-section.js";
import {
  digestSchema,
  keyFieldsShape,
  metadataSchema,
  objectIdSchema,
  publicIdSchema,
  repeatedBudgetNames,
} from "./key-fields.js";
import { budgetsSchema, limitsSchema } from "./limit-blocks.js";

/**
 * Keys, groups and orgs written in the config (GitOps): read-only through the admin API (`managed_by: config`),
 * changed by editing the file. Limits and budgets are kept as written; the limits engine normalises them.
 */
export interface DeclaredOrg {
  id: string;
  limits: z.infer<typeof limitsSchema> | null;
  budgets: z.infer<typeof budgetsSchema> | null;
  metadata: Record<string, unknown>;
}

export interface DeclaredGroup extends DeclaredOrg {
  org: string | null;
}

export interface DeclaredKey {
  /** The public id (`sk-sy-<id>-…`). */
  id: string;
  /** HMAC digest of the whole key; the key itself never appears in the config. */
  digest: string;
  alias: string | null;
  group: string | null;
  routes: string[] | null;
  models: string[] | null;
  expiresAt: string | null;
  status: "active" | "disabled";
  limits: z.infer<typeof limitsSchema> | null;
  budgets: z.infer<typeof budgetsSchema> | null;
  metadata: Record<string, unknown>;
}

const orgSchema = z
  .object({
    id: objectIdSchema,
    limits: limitsSchema.optional(),
    budgets: budgetsSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();
const groupSchema = orgSchema.extend({ org: objectIdSchema.optional() }).strict();
const keySchema = z
  .object({
    id: publicIdSchema,
    digest: digestSchema,
    status: z.enum(["active", "disabled"]).optional(),
    ...keyFieldsShape,
  })
  .strict();

export const orgsSection: GovernanceSection<"orgs", DeclaredOrg[]> = {
  key: "orgs",
  schema: z.array(orgSchema).max(10_000),
  finish(value, _context, report) {
    const list = (value ?? []) as z.infer<typeof orgSchema>[];
    return uniqueIds(list, "org", report) ? list.map(toOrg) : undefined;
  },
};

export const groupsSection: GovernanceSection<"groups", DeclaredGroup[]> = {
  key: "groups",
  schema: z.array(groupSchema).max(10_000),
  finish(value, _context, report) {
    const list = (value ?? []) as z.infer<typeof groupSchema>[];
    if (!uniqueIds(list, "group", report)) return undefined;
    return list.map((entry) => ({ ...toOrg(entry), org: entry.org ?? null }));
  },
};

export const keysSection: GovernanceSection<"keys", DeclaredKey[]> = {
  key: "keys",
  schema: z.array(keySchema).max(100_000),
  finish(value, _context, report) {
    const list = (value ?? []) as z.infer<typeof keySchema>[];
    let ok = uniqueIds(list, "key", report);
    const aliases = new Map<string, number>();
    list.forEach((entry, index) => {
      if (entry.alias === undefined) return;
      const first = aliases.get(entry.alias);
      if (first !== undefined) {
        report(
          [index, "alias"],
          `repeats the alias '${entry.alias}' of keys[${first}]; aliases must be unique`,
        );
        ok = false;
      } else aliases.set(entry.alias, index);
    });
    if (!ok) return undefined;
    return list.map((entry) => ({
      id: entry.id,
      digest: entry.digest,
      alias: entry.alias ?? null,
      group: entry.group ?? null,
      routes: entry.routes ?? null,
      models: entry.models ?? null,
      expiresAt: entry.expires_at === undefined ? null : new Date(entry.expires_at).toISOString(),
      status: entry.status ?? "active",
      limits: entry.limits ?? null,
      budgets: entry.budgets ?? null,
      metadata: entry.metadata ?? {},
    }));
  },
};

function toOrg(entry: z.infer<typeof orgSchema>): DeclaredOrg {
  return {
    id: entry.id,
    limits: entry.limits ?? null,
    budgets: entry.budgets ?? null,
    metadata: entry.metadata ?? {},
  };
}

type Report = Parameters<GovernanceSection<string, unknown>["finish"]>[2];

/** Ids repeat nowhere, and budget names repeat within no object. */
function uniqueIds(
  list: readonly { id: string; budgets?: unknown }[],
  kind: string,
  report: Report,
): boolean {
  let ok = uniqueIdsOnly(list, kind, report);
  list.forEach((entry, index) => {
    for (const problem of repeatedBudgetNames(entry.budgets as Parameters<typeof repeatedBudgetNames>[0])) {
      report([index, "budgets", problem.index, "name"], problem.message);
      ok = false;
    }
  });
  return ok;
}

function uniqueIdsOnly(list: readonly { id: string }[], kind: string, report: Report): boolean {
  const seen = new Map<string, number>();
  let ok = true;
  list.forEach((entry, index) => {
    const first = seen.get(entry.id);
    if (first !== undefined) {
      report([index, "id"], `repeats the ${kind} id '${entry.id}' of entry ${first}; ids must be unique`);
      ok = false;
    } else seen.set(entry.id, index);
  });
  return ok;
}
