import { existsSync } from "node:fs";
import type { Redis } from "ioredis";
import type { GovernanceConfig } from "../config/governance/governance-config.js";
import type { MlflowLimit } from "../config/governance/limit-blocks.js";
import type { OwnedService } from "../coordination/coordinator.js";
import type { Logger } from "../observability/logger.js";
import { type GovernanceDatabase, openGovernanceDatabase } from "./store/governance-database.js";
import { createRedisConnection, governanceKey } from "./store/redis-connection.js";

export const ROUTE_LIMITS_SERVICE = "route-limits";
/** Published to every worker when a route's limits are set at run time: the whole map. */
export const ROUTE_LIMITS_TOPIC = "route-limits";

/** Route name -> the MLflow-form limits set through `POST /api/2.0/gateway/limits` (replacing the file's). */
export type RouteLimitOverrides = Record<string, MlflowLimit[]>;

const MIGRATIONS = [
  { id: "route-limits.1", sql: "CREATE TABLE route_limits (route TEXT PRIMARY KEY, limits TEXT NOT NULL)" },
];

/** How often a gateway sharing Redis looks for limits another replica set (one HGETALL). */
const REDIS_POLL_MS = 2000;

/**
 * Route limits set at run time through MLflow's limits API, held by the owner process for every worker and
 * kept where the governance store is: the embedded store's SQLite file, or a Redis hash every replica reads
 * (each polls it, so a limit set on one replica reaches the others within a poll). Every change is published
 * to the workers, which apply it from their next admission.
 */
export class RouteLimitsService implements OwnedService {
  readonly name = ROUTE_LIMITS_SERVICE;
  private overrides: RouteLimitOverrides = {};
  private database: GovernanceDatabase | undefined;
  private readonly redis: { connection: Redis; key: string; timer: NodeJS.Timeout } | undefined;
  private readonly loaded: Promise<void>;

  constructor(
    private readonly config: GovernanceConfig,
    private readonly publish: (topic: string, payload: unknown) => void,
    private readonly logger?: Logger,
  ) {
    const store = config.store;
    if (store.kind === "redis") {
      const connection = createRedisConnection(store);
      const timer = setInterval(() => void this.refresh(), REDIS_POLL_MS);
      timer.unref();
      this.redis = { connection, key: governanceKey(store.hashTag, "route_limits"), timer };
      this.loaded = new Promise<void>((resolve) => {
        if (connection.status === "ready") resolve();
        else connection.once("ready", () => resolve());
        setTimeout(resolve, Math.max(1000, store.commandTimeoutMs)).unref();
      }).then(() => this.refresh());
      return;
    }
    this.loaded = Promise.resolve();
    if (existsSync(store.path)) {
      try {
        const rows = this.open()?.prepare("SELECT route, limits FROM route_limits").all() as {
          route: string;
          limits: string;
        }[];
        for (const row of rows ?? []) this.overrides[row.route] = JSON.parse(row.limits) as MlflowLimit[];
      } catch (error) {
        logger?.error({ err: error }, "could not read the route limits set at run time");
      }
    }
  }

  async handle(payload: unknown): Promise<unknown> {
    const message = payload as { op: "list" } | { op: "set"; route: string; limits: MlflowLimit[] };
    await this.loaded;
    if (message.op === "set") {
      // Kept first: a change that could not be kept is refused, not applied until the next restart undoes it.
      const text = JSON.stringify(message.limits);
      if (this.redis !== undefined) await this.redis.connection.hset(this.redis.key, message.route, text);
      else
        this.open()
          ?.prepare(
            "INSERT INTO route_limits (route, limits) VALUES (?, ?) ON CONFLICT (route) DO UPDATE SET limits = excluded.limits",
          )
          .run(message.route, text);
      this.replace({ ...this.overrides, [message.route]: message.limits });
      this.logger?.info(
        { route: message.route, limits: message.limits },
        `limits of route '${message.route}' set through the limits API`,
      );
    }
    return this.overrides;
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
    if (this.redis !== undefined) {
      clearInterval(this.redis.timer);
      this.redis.connection.disconnect();
    }
  }

  /** Reads the Redis hash (another replica may have set limits); a failed read keeps what is known. */
  private async refresh(): Promise<void> {
    if (this.redis === undefined) return;
    try {
      const rows = await this.redis.connection.hgetall(this.redis.key);
      const next: RouteLimitOverrides = {};
      for (const [route, text] of Object.entries(rows)) next[route] = JSON.parse(text) as MlflowLimit[];
      if (JSON.stringify(next) !== JSON.stringify(this.overrides)) this.replace(next);
    } catch {
      // Redis is down or slow: the limits in force stay; the next poll tries again.
    }
  }

  private replace(next: RouteLimitOverrides): void {
    this.overrides = next;
    this.publish(ROUTE_LIMITS_TOPIC, next);
  }

  private open(): GovernanceDatabase | undefined {
    if (this.config.store.kind !== "local") return undefined;
    this.database ??= openGovernanceDatabase(this.config.store.path, MIGRATIONS);
    return this.database;
  }
}
