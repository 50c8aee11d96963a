import { z } from "zod";

/**
 * Settings of the store behind the Responses API's state (`previous_response_id`, `GET /v1/responses/{id}`):
 * `local` keeps stored responses in the memory of the process that owns gateway-wide state (the primary, in a
 * cluster), so every worker sees every response; `off` stores nothing. Bounded by age, count and size: the oldest
 * responses go first.
 */
export interface ResponsesSettings {
  store: ResponseStoreSettings;
}

export interface ResponseStoreSettings {
  kind: "local" | "off";
  /** How long a stored response can be retrieved or continued. */
  retentionMs: number;
  /** Most responses kept at once. */
  maxResponses: number;
  /** Most bytes (of their JSON) kept at once. */
  maxBytes: number;
}

export const DEFAULT_RESPONSES_SETTINGS: ResponsesSettings = {
  store: { kind: "local", retentionMs: 3_600_000, maxResponses: 10_000, maxBytes: 256 * 1024 * 1024 },
};

export const RESPONSES_STORE_KEYS = "kind, retention_seconds, max_responses, max_bytes";

export const responsesSettingsSchema = z
  .object({
    store: z
      .object({
        kind: z.enum(["local", "off"]).optional(),
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
      })
      .strict()
      .nullish(),
  })
  .strict()
  .optional()
  .transform((value): ResponsesSettings => {
    const store = value?.store ?? undefined;
    const defaults = DEFAULT_RESPONSES_SETTINGS.store;
    return {
      store: {
        kind: store?.kind ?? defaults.kind,
        retentionMs:
          store?.retention_seconds === undefined
            ? defaults.retentionMs
            : Math.round(store.retention_seconds * 1000),
        maxResponses: store?.max_responses ?? defaults.maxResponses,
        maxBytes: store?.max_bytes ?? defaults.maxBytes,
      },
    };
  });
