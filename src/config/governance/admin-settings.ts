import { z } from "zod";
import { resolveSecretReference } from "../secret-reference.js";
import type { GovernanceSection } from "./governance-section.js";
import { DIGEST_FORMAT, DIGEST_PATTERN } from "./key-fields.js";

/**
 * A master key: it calls the admin API (never inference). Either its digest (`hmac:v1:…`, so the key itself
 * appears nowhere in the config) or the key itself, resolved from `$ENV` or a file like a provider key.
 */
export type MasterKey = { name: string } & ({ digest: string } | { key: string });

/** `governance.admin`: the master keys; where the admin API is served is `auth.surfaces.admin`. */
export interface AdminSettings {
  masterKeys: MasterKey[];
}

/** Master keys are long random secrets; shorter values are refused so a guessable one cannot slip in. */
const MIN_MASTER_KEY_LENGTH = 24;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const masterKeySchema = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().regex(NAME, "must be 1 to 64 letters, digits, '_', '.' or '-'"),
      key: z.string().min(1),
    })
    .strict(),
]);

const adminSchema = z.object({ master_keys: z.array(masterKeySchema).max(64).optional() }).strict();

export const adminSection: GovernanceSection<"admin", AdminSettings> = {
  key: "admin",
  schema: adminSchema,
  finish(value, context, report) {
    const entry = (value ?? {}) as z.infer<typeof adminSchema>;
    const masterKeys: MasterKey[] = [];
    const names = new Set<string>();
    let failed = false;
    (entry.master_keys ?? []).forEach((item, index) => {
      const name = typeof item === "string" ? `master-${index + 1}` : item.name;
      const reference = typeof item === "string" ? item : item.key;
      const field = typeof item === "string" ? ["master_keys", index] : ["master_keys", index, "key"];
      if (names.has(name)) {
        report(["master_keys", index, "name"], `repeats the name '${name}'; master key names must be unique`);
        failed = true;
      }
      names.add(name);
      if (reference.startsWith("hmac:")) {
        if (!DIGEST_PATTERN.test(reference)) {
          report(field, `must be a digest: ${DIGEST_FORMAT}`);
          failed = true;
        } else masterKeys.push({ name, digest: reference });
        return;
      }
      const resolved = resolveSecretReference(reference, context.configDirectory, context.env);
      if (!resolved.ok) {
        report(field, resolved.message);
        failed = true;
      } else if (resolved.value.length < MIN_MASTER_KEY_LENGTH) {
        report(
          field,
          `a master key must be at least ${MIN_MASTER_KEY_LENGTH} characters (generate one with: switchyard keys generate --master)`,
        );
        failed = true;
      } else if (resolved.value.startsWith("sk-sy-")) {
        report(
          field,
          "is a gateway key; a master key must be a different secret (a master key is not an inference key)",
        );
        failed = true;
      } else masterKeys.push({ name, key: resolved.value });
    });
    return failed ? undefined : { masterKeys };
  },
};
