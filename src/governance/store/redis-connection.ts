import { createRequire } from "node:module";
import type { Redis } from "ioredis";

/**
 * ioredis is required when the first connection is made, not imported: it adds about 25 MB to a process, which
 * a gateway whose governance store is local (the default) should not carry in every worker.
 */
const requireModule = createRequire(import.meta.url);

export interface RedisConnectionSettings {
  url: string;
  /** No command waits longer than this for its answer. */
  commandTimeoutMs: number;
}

/**
 * A Redis connection for governance: a command fails at once while Redis is unreachable and within
 * `commandTimeoutMs` when it is slow, never waiting in an offline queue (ioredis's defaults queue commands
 * and retry them 20 times: 10 s measured before a dead Redis was reported). Reconnects in the background.
 */
export function createRedisConnection(settings: RedisConnectionSettings): Redis {
  const ioredis = requireModule("ioredis") as typeof import("ioredis");
  const connection = new ioredis.Redis(settings.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: Math.max(1000, settings.commandTimeoutMs),
    // Keep trying to come back, at most every second, for as long as the gateway runs.
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 5), 1000),
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  // Without a listener an unreachable Redis would be an unhandled 'error' event; callers see failed commands
  // and decide (degraded modes), so the connection's own errors need no handling here.
  connection.on("error", () => {});
  return connection;
}

/** A governance key: every key carries the hash tag, so one script's keys are in one slot. */
export function governanceKey(hashTag: string, ...parts: string[]): string {
  return `{${hashTag}}:${parts.join(":")}`;
}

/**
 * Resolves true once the connection is ready, false if it is not within `timeoutMs`: commands sent before then
 * fail at once (no offline queue), so start-up waits here, and a gateway whose Redis is down still starts.
 */
export function whenReady(connection: Redis, timeoutMs: number): Promise<boolean> {
  if (connection.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      connection.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    connection.once("ready", onReady);
  });
}
