import { z } from "zod";
import { DIGEST_FORMAT, DIGEST_PATTERN, PUBLIC_ID_PATTERN } from "./key-patterns.js";
import { budgetsSchema, limitsSchema, toBudgets } from "./limit-blocks.js";

/**
 * The fields of keys, groups and orgs, one shape wherever they are written: declarative objects in the YAML
 * config and the admin API's bodies.
 */

export { DIGEST_FORMAT, DIGEST_PATTERN, PUBLIC_ID_PATTERN } from "./key-patterns.js";

const OBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const OBJECT_ID_TEXT = "must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";

/** Ids of groups and orgs (`search`, `acme`). */
export const objectIdSchema = z.string().regex(OBJECT_ID, OBJECT_ID_TEXT);
export const publicIdSchema = z
  .string()
  .regex(PUBLIC_ID_PATTERN, "must be the key's 12-character public id (letters and digits)");
export const digestSchema = z.string().regex(DIGEST_PATTERN, `must be a digest: ${DIGEST_FORMAT}`);
export const aliasSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.@:/-]{0,63}$/,
    "must be 1 to 64 letters, digits, '_', '.', '@', ':', '/' or '-', starting with a letter or digit",
  );
/** Route names or globs (`chat-*`): the routes a key may call. */
export const routePatternsSchema = z
  .array(
    z
      .string()
      .regex(
        /^[A-Za-z0-9_.*-]{1,200}$/,
        "must be a route name or a glob such as 'chat-*' (letters, digits, '_', '-', '.', '*')",
      ),
  )
  .min(1)
  .max(100);
/** Upstream model names or globs (`gpt-4o*`): the models a key's routes may reach. */
export const modelPatternsSchema = z
  .array(z.string().regex(/^\S{1,200}$/, "must be a model name or a glob such as 'gpt-4o*', without spaces"))
  .min(1)
  .max(100);
export const expiresAtSchema = z.iso.datetime({
  offset: true,
  error: "must be a date and time with a time zone, e.g. 2027-01-01T00:00:00Z",
});
/** Free-form labels (team, owner, ticket): small and flat, so they fit in logs and the audit log. */
export const metadataSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]))
  .refine((record) => Object.keys(record).length <= 32, "must have at most 32 entries");

/** The fields a key's scope and attachments are made of (without identity and secrets). */
export const keyFieldsShape = {
  alias: aliasSchema.optional(),
  group: objectIdSchema.optional(),
  routes: routePatternsSchema.optional(),
  models: modelPatternsSchema.optional(),
  expires_at: expiresAtSchema.optional(),
  limits: limitsSchema.optional(),
  budgets: budgetsSchema.optional(),
  metadata: metadataSchema.optional(),
};

/** A glob with `*` only, as a RegExp over the whole name. */
export function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** Whether a name matches any of the globs. */
export function matchesAnyGlob(name: string, globs: readonly string[]): boolean {
  return globs.some((glob) => globPattern(glob).test(name));
}

/** Budgets of one scope are named (by default after their period) and the names must differ. */
export function repeatedBudgetNames(
  budgets: z.infer<typeof budgetsSchema> | undefined,
): { index: number; message: string }[] {
  const { budgets: normalised, duplicateNames } = toBudgets(budgets);
  return duplicateNames.map((index) => ({
    index,
    message: `repeats the budget name '${normalised[index]?.name}' in this scope; give each budget a distinct 'name'`,
  }));
}
