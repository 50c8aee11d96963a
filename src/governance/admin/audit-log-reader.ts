import { z } from "zod";
import { type AuditPage, type GovernanceStore, MAX_AUDIT_PAGE } from "../store/governance-store.js";
import { parseAdminBody } from "./admin-bodies.js";

const auditQuerySchema = z
  .object({
    object_type: z.enum(["key", "group", "org"]).optional(),
    object_id: z.string().min(1).max(128).optional(),
    actor: z.string().min(1).max(128).optional(),
    action: z.string().min(1).max(64).optional(),
    since: z.iso
      .datetime({
        offset: true,
        error: "must be a date and time with a time zone, e.g. 2026-01-01T00:00:00Z",
      })
      .optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
    cursor: z
      .string()
      .regex(/^[0-9-]{1,40}$/, "must be the next_cursor of a previous page")
      .optional(),
  })
  .strict();

/** `GET /admin/v1/audit`: newest first, filtered, a page at a time. */
export async function readAuditLog(store: GovernanceStore, query: unknown): Promise<AuditPage> {
  const input = parseAdminBody(auditQuerySchema, query);
  return store.audit({
    limit: input.limit ?? 100,
    ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
    ...(input.object_type === undefined ? {} : { objectType: input.object_type }),
    ...(input.object_id === undefined ? {} : { objectId: input.object_id }),
    ...(input.actor === undefined ? {} : { actor: input.actor }),
    ...(input.action === undefined ? {} : { action: input.action }),
    ...(input.since === undefined ? {} : { since: new Date(input.since).toISOString() }),
  });
}
