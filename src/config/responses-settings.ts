import { z } from "zod";
import type { StoreSettings } from "./governance/store-settings.js";
import {
  DEFAULT_RESPONSES_SETTINGS,
  type RedisResponseStoreSettings,
  type ResponsesSettings,
} from "./responses-store-settings.js";
import { resolveSecretReference } from "./secret-reference.js";

export {
  DEFAULT_RESPONSES_SETTINGS,
  type RedisResponseStoreSettings,
  type ResponseStoreSettings,
  type ResponsesSettings,
} from "./responses-store-settings.js";

export const RESPONSES_STORE_KEYS =
  "kind, retention_seconds, max_responses, max_bytes, url, key_prefix, command_timeout_ms";

/** The `responses:` block as written; kind and url are settled against the governance store (see below). */
export const responsesSettingsSchema = z
  .object({
    store: z
      .object({
        kind: z.enum(["local", "off", "redis"]).optional(),
        retention_seconds: z
          .number()
          .positive()
          .max(365 * 24 * 3600)
          .optional(),
        max_responses: z.number().int().min(1).max(10_000_000).optional(),
        max_bytes: z
          .number()
          .int()
          .min(1024 * 1024)
          .max(64 * 1024 * 1024 * 1024)
          .optional(),
        url: z.string().min(1).optional(),
        key_prefix: z
          .string()
          .regex(
            /^[A-Za-z0-9_.:{}-]{1,64}$/,
            "must be 1 to 64 letters, digits, '_', '.', ':', '-', '{' or '}'",
          )
          .optional(),
        command_timeout_ms: z.number().int().min(1).max(60_000).optional(),
      })
      .strict()
      .nullish(),
  })
  .strict()
  .optional();

export type ResponsesBlock = z.infer<typeof responsesSettingsSchema>;

/** Where the settled settings went wrong: the field under `responses.store` and the message. */
export interface ResponsesIssue {
  key: string;
  message: string;
}

/**
 * The settled settings: `kind` defaults to `redis` when the governance store is Redis (a gateway with several
 * replicas then shares stored responses with no more config) and `local` otherwise; a Redis store's `url`
 * defaults to the governance store's.
 */
export function settleResponsesSettings(
  block: ResponsesBlock,
  governanceStore: StoreSettings | undefined,
  context: { configDirectory: string; env: NodeJS.ProcessEnv },
): { settings: ResponsesSettings } | { issue: ResponsesIssue } {
  const store = block?.store ?? undefined;
  const defaults = DEFAULT_RESPONSES_SETTINGS.store;
  const governanceRedis = governanceStore?.kind === "redis" ? governanceStore : undefined;
  const kind = store?.kind ?? (governanceRedis === undefined ? "local" : "redis");
  const limits = {
    retentionMs:
      store?.retention_seconds === undefined
        ? defaults.retentionMs
        : Math.round(store.retention_seconds * 1000),
    maxResponses: store?.max_responses ?? defaults.maxResponses,
    maxBytes: store?.max_bytes ?? defaults.maxBytes,
  };
  if (kind !== "redis") {
    for (const key of ["url", "key_prefix", "command_timeout_ms"] as const)
      if (store?.[key] !== undefined) return { issue: { key, message: "only applies with 'kind: redis'" } };
    return { settings: { store: { kind, ...limits } } };
  }
  let url = governanceRedis?.url;
  if (store?.url !== undefined) {
    const resolved = resolveSecretReference(store.url, context.configDirectory, context.env);
    if (!resolved.ok) return { issue: { key: "url", message: resolved.message } };
    url = resolved.value;
  }
  if (url === undefined) {
    return {
      issue: {
        key: "kind",
        message:
          "'kind: redis' needs 'url' (for example url: $SWITCHYARD_REDIS_URL), or a governance store of kind redis whose URL it shares",
      },
    };
  }
  // The value may hold a password: it is never echoed.
  if (!/^(rediss?|unix):\/\//.test(url))
    return { issue: { key: "url", message: "must be a redis://, rediss:// or unix:// URL" } };
  const redis: RedisResponseStoreSettings = {
    url,
    keyPrefix: store?.key_prefix ?? `{${governanceRedis?.hashTag ?? "sy"}}:responses:`,
    commandTimeoutMs: store?.command_timeout_ms ?? 1000,
  };
  return { settings: { store: { kind, ...limits, redis } } };
}
