import { z } from "zod";
import { resolveSecretReference } from "../secret-reference.js";
import type { GovernanceSection, ReportSectionIssue } from "./governance-section.js";

/** Who may reach a surface: anyone, callers with a gateway key (or a master key), or no one (404). */
export type SurfaceAccess = "open" | "key" | "off";

/** The surfaces besides inference, each reachable as configured; `/health` is always open for probes. */
export interface SurfaceSettings {
  metrics: SurfaceAccess;
  /** `/docs` (Swagger UI). */
  docs: SurfaceAccess;
  /** `/openapi.json` (and Swagger UI's copies of it). */
  openapi: SurfaceAccess;
  /** `/admin/v1`: master keys only (`key`), or not served (`off`). */
  admin: "key" | "off";
}

/** `governance.auth`: whether inference needs a gateway key, and how keys are hashed and cached. */
export interface AuthSettings {
  /** Every inference call needs a gateway key. Without it the gateway is open (keys presented are still checked). */
  required: boolean;
  /** The secret every key digest is keyed with; undefined when gateway keys are not used at all. */
  pepper: string | undefined;
  /** During a pepper rotation: digests made with it still match. */
  pepperPrevious: string | undefined;
  /** How long a worker trusts a key it looked up before looking again (revocations arrive sooner, as events). */
  cacheTtlMs: number;
  /** How long keys already known stay usable while the store cannot be reached. */
  staleForMs: number;
  surfaces: SurfaceSettings;
}

const MIN_PEPPER_LENGTH = 16;
const access = z.enum(["open", "key", "off"]);

const authSchema = z
  .object({
    required: z.boolean().optional(),
    pepper: z.string().min(1).optional(),
    pepper_previous: z.string().min(1).optional(),
    cache_ttl_seconds: z.number().positive().max(300).optional(),
    stale_for_seconds: z.number().min(0).max(86_400).optional(),
    surfaces: z
      .object({
        metrics: access.optional(),
        docs: access.optional(),
        openapi: access.optional(),
        admin: access.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * The admin surface's default is decided with the master keys (`admin.ts`): here it is `key` if asked for
 * and `off` otherwise, and parse-governance reconciles the two.
 */
export const authSection: GovernanceSection<"auth", AuthSettings> = {
  key: "auth",
  schema: authSchema,
  finish(value, context, report) {
    const entry = (value ?? {}) as z.infer<typeof authSchema>;
    const required = entry.required ?? false;
    const pepper = resolvePepper(entry.pepper, ["pepper"], context, report);
    const pepperPrevious = resolvePepper(entry.pepper_previous, ["pepper_previous"], context, report);
    if (pepperPrevious !== undefined && entry.pepper === undefined)
      report(["pepper_previous"], "only applies together with 'pepper' (the current pepper)", true);
    const closed: SurfaceAccess = required ? "key" : "open";
    if (entry.surfaces?.admin === "open") {
      report(
        ["surfaces", "admin"],
        "the admin API cannot be open (it creates keys); use 'key' (master keys from governance.admin.master_keys) or 'off'",
      );
      return undefined;
    }
    return {
      required,
      pepper,
      pepperPrevious,
      cacheTtlMs: Math.round((entry.cache_ttl_seconds ?? 5) * 1000),
      staleForMs: Math.round((entry.stale_for_seconds ?? 300) * 1000),
      surfaces: {
        metrics: entry.surfaces?.metrics ?? closed,
        docs: entry.surfaces?.docs ?? closed,
        openapi: entry.surfaces?.openapi ?? closed,
        admin: entry.surfaces?.admin ?? "off",
      },
    };
  },
};

/** Whether the admin surface was set explicitly (parse-governance then checks it has master keys). */
export function adminSurfaceWasSet(value: unknown): boolean {
  const surfaces = (value as { surfaces?: { admin?: unknown } } | undefined)?.surfaces;
  return surfaces?.admin !== undefined;
}

function resolvePepper(
  reference: string | undefined,
  field: string[],
  context: Parameters<GovernanceSection<"auth", AuthSettings>["finish"]>[1],
  report: ReportSectionIssue,
): string | undefined {
  if (reference === undefined) return undefined;
  const resolved = resolveSecretReference(reference, context.configDirectory, context.env);
  if (!resolved.ok) {
    report(field, resolved.message);
    return undefined;
  }
  if (resolved.value.length < MIN_PEPPER_LENGTH) {
    // The value is a secret: its length is reported, never the value.
    report(
      field,
      `must be at least ${MIN_PEPPER_LENGTH} characters (generate one with: openssl rand -base64 32)`,
    );
    return undefined;
  }
  return resolved.value;
}
