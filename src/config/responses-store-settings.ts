/**
 * Settings of the store behind the Responses API's state (`previous_response_id`, `GET /v1/responses/{id}`):
 * `local` keeps stored responses in the memory of the process that owns gateway-wide state (the primary, in a
 * cluster), so every worker sees every response; `redis` keeps them in Redis, shared by every replica of the
 * gateway (the default when the governance store is Redis, whose URL it then uses too); `off` stores nothing.
 * Bounded by age, count and size: the oldest responses go first.
 */
export interface ResponsesSettings {
  store: ResponseStoreSettings;
}

export interface ResponseStoreSettings {
  kind: "local" | "off" | "redis";
  /** How long a stored response can be retrieved or continued. */
  retentionMs: number;
  /** Most responses kept at once. */
  maxResponses: number;
  /** Most bytes (of their JSON) kept at once. */
  maxBytes: number;
  /** With `kind: redis`: where. */
  redis?: RedisResponseStoreSettings;
}

export interface RedisResponseStoreSettings {
  /** The resolved Redis URL (it may hold a password: treated as a secret). */
  url: string;
  /** Every key starts with it; it holds a hash tag, so the store's keys share one slot on Redis Cluster. */
  keyPrefix: string;
  /** No store command waits longer than this. */
  commandTimeoutMs: number;
}

export const DEFAULT_RESPONSES_SETTINGS: ResponsesSettings = {
  store: { kind: "local", retentionMs: 3_600_000, maxResponses: 10_000, maxBytes: 256 * 1024 * 1024 },
};
