import { existsSync } from "node:fs";
import type { GovernanceConfig } from "../config/governance/governance-config.js";
import type { MlflowLimit } from "../config/governance/limit-blocks.js";
import type { OwnedService } from "../coordination/coordinator.js";
import type { Logger } from "../observability/logger.js";
import { type GovernanceDatabase, openGovernanceDatabase } from "./store/governance-database.js";

export const ROUTE_LIMITS_SERVICE = "route-limits";
/** Published to every worker when a route's limits are set at run time: the whole map. */
export const ROUTE_LIMITS_TOPIC = "route-limits";

/** Route name -> the MLflow-form limits set through `POST /api/2.0/gateway/limits` (replacing the file's). */
export type RouteLimitOverrides = Record<string, MlflowLimit[]>;

const MIGRATIONS = [
  { id: "route-limits.1", sql: "CREATE TABLE route_limits (route TEXT PRIMARY KEY, limits TEXT NOT NULL)" },
];

/**
 * Route limits set at run time through MLflow's limits API, held by the owner process for every worker and
 * kept in the embedded store's file, so a restart keeps them. Every change is published to the workers, which
 * apply it from their next admission. (With the Redis store they are kept by this process group only.)
 */
export class RouteLimitsService implements OwnedService {
  readonly name = ROUTE_LIMITS_SERVICE;
  private overrides: RouteLimitOverrides = {};
  private database: GovernanceDatabase | undefined;

  constructor(
    private readonly config: GovernanceConfig,
    private readonly publish: (topic: string, payload: unknown) => void,
    private readonly logger?: Logger,
  ) {
    const store = config.store;
    if (store.kind === "local" && existsSync(store.path)) {
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

  handle(payload: unknown): unknown {
    const message = payload as { op: "list" } | { op: "set"; route: string; limits: MlflowLimit[] };
    if (message.op === "set") {
      // Kept first: a change that could not be kept is refused, not applied until the next restart undoes it.
      this.open()
        ?.prepare(
          "INSERT INTO route_limits (route, limits) VALUES (?, ?) ON CONFLICT (route) DO UPDATE SET limits = excluded.limits",
        )
        .run(message.route, JSON.stringify(message.limits));
      this.overrides = { ...this.overrides, [message.route]: message.limits };
      this.publish(ROUTE_LIMITS_TOPIC, this.overrides);
      this.logger?.info(
        { route: message.route, limits: message.limits },
        `limits of route '${message.route}' set through the limits API`,
      );
    }
    return this.overrides;
  }

  close(): void {
    this.database?.close();
    this.database = undefined;
  }

  private open(): GovernanceDatabase | undefined {
    if (this.config.store.kind !== "local") return undefined;
    this.database ??= openGovernanceDatabase(this.config.store.path, MIGRATIONS);
    return this.database;
  }
}
