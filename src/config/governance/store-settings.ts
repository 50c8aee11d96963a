import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { resolveSecretReference } from "../secret-reference.js";
import type { GovernanceSection } from "./governance-section.js";

/**
 * Where governance state lives (keys, groups, the audit log, limit counters, budgets, usage aggregates):
 * `local` is embedded (one owner process holds counters; objects persist in an SQLite file), `redis` is shared
 * by every replica of the gateway.
 */
export type StoreSettings =
  | { kind: "local" /** The SQLite file, absolute. */; path: string }
  | {
      kind: "redis";
      /** The resolved Redis URL (it may hold a password: treated as a secret). */
      url: string;
      /** Every key is `{<hashTag>}:…`, so one script's keys share a slot (atomic on Redis Cluster too). */
      hashTag: string;
      /** No governance command may wait longer than this; beyond, the configured degraded behaviour applies. */
      commandTimeoutMs: number;
      /** What limits do while Redis cannot be reached. */
      onUnavailable: UnavailableBehaviour;
    };

/**
 * While Redis is unreachable: rate and in-flight limits either fall back to each replica's share of them
 * (`local`: limit / replicas seen in the last heartbeat), let everything through (`allow`) or refuse (`deny`);
 * budgets either refuse (`deny`, the default: money fails closed) or let calls through and book their spend
 * once Redis is back (`allow`).
 */
export interface UnavailableBehaviour {
  rateLimits: "local" | "allow" | "deny";
  budgets: "deny" | "allow";
}

/** The SQLite file's default name, beside the config file. */
export const DEFAULT_STORE_FILE = "switchyard-governance.db";

const storeSchema = z
  .object({
    kind: z.enum(["local", "redis"]).optional(),
    path: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    hash_tag: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,32}$/, "must be 1 to 32 letters, digits, '_', '.' or '-'")
      .optional(),
    command_timeout_ms: z.number().int().min(1).max(10_000).optional(),
    on_unavailable: z
      .object({
        rate_limits: z.enum(["local", "allow", "deny"]).optional(),
        budgets: z.enum(["deny", "allow"]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const storeSection: GovernanceSection<"store", StoreSettings> = {
  key: "store",
  schema: storeSchema,
  finish(value, context, report) {
    const entry = (value ?? {}) as z.infer<typeof storeSchema>;
    const kind = entry.kind ?? "local";
    if (kind === "local") {
      for (const key of ["url", "hash_tag", "command_timeout_ms", "on_unavailable"] as const) {
        if (entry[key] !== undefined) report([key], "only applies with 'kind: redis'", true);
      }
      const path = entry.path ?? DEFAULT_STORE_FILE;
      return { kind, path: isAbsolute(path) ? path : resolve(context.configDirectory, path) };
    }
    if (entry.path !== undefined) report(["path"], "only applies with 'kind: local'", true);
    if (entry.url === undefined) {
      report(["kind"], "'kind: redis' needs 'url' (for example url: $SWITCHYARD_REDIS_URL)");
      return undefined;
    }
    const url = resolveSecretReference(entry.url, context.configDirectory, context.env);
    if (!url.ok) {
      report(["url"], url.message);
      return undefined;
    }
    if (!/^(rediss?|unix):\/\//.test(url.value)) {
      // The value may hold a password: it is never echoed.
      report(["url"], "must be a redis://, rediss:// or unix:// URL");
      return undefined;
    }
    return {
      kind,
      url: url.value,
      hashTag: entry.hash_tag ?? "sy",
      commandTimeoutMs: entry.command_timeout_ms ?? 25,
      onUnavailable: {
        rateLimits: entry.on_unavailable?.rate_limits ?? "local",
        budgets: entry.on_unavailable?.budgets ?? "deny",
      },
    };
  },
};
