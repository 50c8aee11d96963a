import { z } from "zod";
import { GatewayError } from "../../canonical/index.js";
import {
  aliasSchema,
  expiresAtSchema,
  keyFieldsShape,
  metadataSchema,
  modelPatternsSchema,
  objectIdSchema,
  repeatedBudgetNames,
  routePatternsSchema,
} from "../../config/governance/key-fields.js";
import { budgetsSchema, limitsSchema } from "../../config/governance/limit-blocks.js";
import { keysAt } from "../../config/governance/schema-keys.js";
import { describeZodIssue, dottedPath } from "../../dialects/zod-issue-text.js";

/** The admin API's request bodies: the same field shapes as the config's declarative objects. */

export const createKeySchema = z.object(keyFieldsShape).strict();

/** A field set to null is cleared (no group, every route, no expiry, ...). */
export const updateKeySchema = z
  .object({
    alias: aliasSchema.nullable().optional(),
    group: objectIdSchema.nullable().optional(),
    routes: routePatternsSchema.nullable().optional(),
    models: modelPatternsSchema.nullable().optional(),
    expires_at: expiresAtSchema.nullable().optional(),
    limits: limitsSchema.nullable().optional(),
    budgets: budgetsSchema.nullable().optional(),
    metadata: metadataSchema.nullable().optional(),
    status: z.enum(["active", "disabled"]).optional(),
  })
  .strict();

/** The longest grace period of a rotation: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 86_400;
export const DEFAULT_GRACE_SECONDS = 86_400;
export const rotateKeySchema = z
  .object({ grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional() })
  .strict();

const attachments = {
  limits: limitsSchema.optional(),
  budgets: budgetsSchema.optional(),
  metadata: metadataSchema.optional(),
};
const nullableAttachments = {
  limits: limitsSchema.nullable().optional(),
  budgets: budgetsSchema.nullable().optional(),
  metadata: metadataSchema.nullable().optional(),
};
export const createOrgSchema = z.object({ id: objectIdSchema, ...attachments }).strict();
export const updateOrgSchema = z.object(nullableAttachments).strict();
export const createGroupSchema = z
  .object({ id: objectIdSchema, org: objectIdSchema.optional(), ...attachments })
  .strict();
export const updateGroupSchema = z
  .object({ org: objectIdSchema.nullable().optional(), ...nullableAttachments })
  .strict();

/**
 * Validates an admin body; every problem is named by its field (`routes.0: must be …`) in one 400. Budget
 * names must differ within the object, as in the config.
 */
export function parseAdminBody<S extends z.ZodObject>(schema: S, body: unknown): z.output<S> {
  const value = body ?? {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new GatewayError("invalid_body", "The request body must be a JSON object.");
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) {
    const budgets = (result.data as { budgets?: z.infer<typeof budgetsSchema> | null }).budgets;
    const repeated = repeatedBudgetNames(budgets ?? undefined)[0];
    if (repeated !== undefined) throw fieldError(["budgets", repeated.index, "name"], repeated.message);
    return result.data;
  }
  const problems = result.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: [...issue.path, key],
          message: `is not a field here; allowed: ${keysAt(schema, issue.path)}`,
        }))
      : [{ path: issue.path, message: describeZodIssue(issue, true) }],
  );
  const first = problems[0];
  throw new GatewayError(
    "invalid_body",
    problems.map((problem) => `'${dottedPath(problem.path)}' ${problem.message}.`).join(" "),
    first === undefined ? {} : { param: dottedPath(first.path) },
  );
}

export function fieldError(path: readonly PropertyKey[], message: string): GatewayError {
  return new GatewayError("invalid_body", `'${dottedPath(path)}' ${message}.`, { param: dottedPath(path) });
}
