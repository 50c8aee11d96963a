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
  /**
   * The caller bounds each command's time itself (one shared deadline for all its commands in flight), so no
   * timer is armed per command here. The limit store does: a timer per call is measurable on its hot path.
   */
  callerBoundsCommands?: boolean;
  /**
   * Batch the commands of one event-loop turn into one write (ioredis's auto-pipelining; on by default). The
   * limit store turns it off: a batch waits for the next turn's check phase, and while one batch is in flight
   * the next waits for its answers, so a decision would wait for up to two round trips instead of one.
   */
  autoPipelining?: boolean;
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
    ...(settings.callerBoundsCommands === true ? {} : { commandTimeout: settings.commandTimeoutMs }),
    connectTimeout: Math.max(1000, settings.commandTimeoutMs),
    // Keep trying to come back, at most every second, for as long as the gateway runs.
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 5), 1000),
    enableAutoPipelining: settings.autoPipelining ?? true,
    // A stack captured per command (for friendlier errors) costs on every call.
    showFriendlyErrorStack: false,
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
