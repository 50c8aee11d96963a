import { existsSync } from "node:fs";
import type { GovernanceConfig } from "../../config/governance/governance-config.js";
import type { OwnedService } from "../../coordination/coordinator.js";
import type { Logger } from "../../observability/logger.js";
import { type GovernanceDatabase, openGovernanceDatabase } from "../store/governance-database.js";
import { LimitLedger } from "./limit-ledger.js";
import type {
  AdmitRequest,
  BudgetAlert,
  ExpiredReservation,
  LimitSpec,
  MeterRequest,
  SettleRequest,
} from "./limit-spec.js";

/** One operation of a batch a worker sends; the answer at the same index. */
export type LimitOperation =
  | { op: "admit"; request: AdmitRequest }
  | { op: "meter"; request: MeterRequest }
  | { op: "settle"; request: SettleRequest }
  | { op: "renew"; ids: string[] }
  | { op: "quota"; specs: LimitSpec[] };

export const LIMITS_SERVICE = "limits";

const MIGRATIONS = [
  {
    id: "limits.1",
    sql: "CREATE TABLE budget_spend (key TEXT NOT NULL, window_start INTEGER NOT NULL, used_nano INTEGER NOT NULL, PRIMARY KEY (key, window_start))",
  },
];

/** How often spend is written to the SQLite file, and expired reservations are swept. */
const FLUSH_MS = 1000;

export interface LimitsServiceOptions {
  config: GovernanceConfig;
  logger?: Logger;
  /** Tells workers about expired reservations, for the usage log. */
  onExpired?: (expired: ExpiredReservation[]) => void;
  nowMs?: () => number;
}

/**
 * The embedded store's owner side: one ledger for every worker of the gateway, so limits are exact whatever
 * `--workers` is. Workers send batches of operations (one IPC message per event-loop turn, however many
 * requests it carries). Spend is kept in the SQLite file beside the config (written behind, once a second, and
 * on shutdown), so a restart loses no spend; rate counters and leases live in memory only.
 */
export class LimitsService implements OwnedService {
  readonly name = LIMITS_SERVICE;
  private readonly ledger: LimitLedger;
  private database: GovernanceDatabase | undefined;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: LimitsServiceOptions) {
    this.ledger = new LimitLedger(options.nowMs);
    this.restore();
    this.timer = setInterval(() => this.tick(), FLUSH_MS);
    this.timer.unref();
  }

  handle(payload: unknown): unknown {
    const operations = (payload as { ops: LimitOperation[] }).ops;
    return operations.map((operation) => this.run(operation));
  }

  /** The ledger, for the owner's own readers (`/v1/me` and the limits API run in workers and call `quota`). */
  get state(): LimitLedger {
    return this.ledger;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    this.database?.close();
    this.database = undefined;
  }

  private run(operation: LimitOperation): unknown {
    switch (operation.op) {
      case "admit":
        return this.ledger.admit(operation.request);
      case "meter":
        return this.ledger.meter(operation.request);
      case "settle": {
        const result = this.ledger.settle(operation.request);
        if (result.status === "settled" || result.status === "corrected") this.dirty = true;
        this.logAlerts(result.alerts);
        return result;
      }
      case "renew":
        this.ledger.renew(operation.ids);
        return null;
      case "quota":
        return this.ledger.quota(operation.specs);
    }
  }

  private tick(): void {
    const expired = this.ledger.sweep();
    if (expired.length > 0) {
      this.dirty = true;
      this.options.logger?.warn(
        { reservations: expired.length },
        "reservations whose holder stopped renewing them were finalized at their estimate (a worker died?)",
      );
      this.options.onExpired?.(expired);
    }
    this.flush();
  }

  private logAlerts(alerts: BudgetAlert[]): void {
    for (const alert of alerts) {
      const { scope, id, name } = alert.label;
      this.options.logger?.warn(
        {
          budget: { scope, id, name },
          threshold: alert.threshold,
          usedNano: alert.usedNano,
          amountNano: alert.amountNano,
        },
        `budget '${name}' of ${scope} '${id}' reached ${Math.round(alert.threshold * 100)}% of its amount`,
      );
    }
  }

  private open(): GovernanceDatabase | undefined {
    const store = this.options.config.store;
    if (store.kind !== "local") return undefined;
    this.database ??= openGovernanceDatabase(store.path, MIGRATIONS);
    return this.database;
  }

  private restore(): void {
    const store = this.options.config.store;
    // Nothing was ever spent if the file does not exist; it is created with the first spend.
    if (store.kind !== "local" || !existsSync(store.path)) return;
    try {
      const database = this.open();
      if (database === undefined) return;
      const rows = database.prepare("SELECT key, window_start, used_nano FROM budget_spend").all() as {
        key: string;
        window_start: number;
        used_nano: number;
      }[];
      this.ledger.restoreSpend(rows.map((row) => [row.key, row.window_start, row.used_nano]));
    } catch (error) {
      // Without the file, budgets would start from zero: better to say so loudly than to refuse to start.
      this.options.logger?.error(
        { err: error },
        "could not read the budget spend from the governance store file",
      );
    }
  }

  private flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      const database = this.open();
      if (database === undefined) return;
      const upsert = database.prepare(
        "INSERT INTO budget_spend (key, window_start, used_nano) VALUES (?, ?, ?) ON CONFLICT (key, window_start) DO UPDATE SET used_nano = excluded.used_nano",
      );
      const rows = this.ledger.spend();
      database.transaction(() => {
        for (const [key, start, used] of rows) upsert.run(key, start, used);
      })();
    } catch (error) {
      this.dirty = true;
      this.options.logger?.error(
        { err: error },
        "could not write the budget spend to the governance store file",
      );
    }
  }
}
