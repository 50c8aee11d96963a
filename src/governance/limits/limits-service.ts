import { existsSync } from "node:fs";
import type { GovernanceConfig } from "../../config/governance/governance-config.js";
import type { OwnedService } from "../../coordination/coordinator.js";
import type { Logger } from "../../observability/logger.js";
import { type GovernanceDatabase, openGovernanceDatabase } from "../store/governance-database.js";
import { type GrantInfo, type GrantRelease, LIMITS_RECALL_TOPIC } from "./grant-policy.js";
import { adjustRate, grantCapacity, releaseGrants, takeUnits } from "./ledger-grants.js";
import { LimitLedger } from "./limit-ledger.js";
import type {
  AdmitRequest,
  BudgetAlert,
  ExpiredReservation,
  LimitSpec,
  MeterRequest,
  RateSpec,
  SettleRequest,
} from "./limit-spec.js";
import { RecallWaiters } from "./recall-waiters.js";

/**
 * One operation of a batch a worker sends; the answer at the same index. `want` asks, with an admission, for
 * grants on the limits at those indices (grant-policy.ts); the answer then carries `grants`.
 */
export type LimitOperation =
  | { op: "admit"; request: AdmitRequest; want?: number[]; holder?: string }
  | { op: "meter"; request: MeterRequest }
  | { op: "settle"; request: SettleRequest }
  | { op: "renew"; ids: string[] }
  | { op: "quota"; specs: LimitSpec[] }
  | { op: "release"; releases: GrantRelease[] }
  | { op: "take"; specs: RateSpec[]; tokens: number }
  | { op: "adjust"; spec: RateSpec; difference: number };

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
  /** Tells every worker to return its grants on some limits (a recall); without it, nothing is recalled. */
  publish?: (topic: string, payload: unknown) => void;
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
  private readonly recalls = new RecallWaiters();
  /** Grants handed out in batches not answered yet: grant id -> the answer's list that carries it. */
  private readonly undelivered = new Map<string, GrantInfo[]>();

  constructor(private readonly options: LimitsServiceOptions) {
    this.ledger = new LimitLedger(options.nowMs);
    this.restore();
    this.timer = setInterval(() => this.tick(), FLUSH_MS);
    this.timer.unref();
  }

  handle(payload: unknown): unknown {
    const operations = (payload as { ops: LimitOperation[] }).ops;
    const answers: unknown[] = [];
    for (const [index, operation] of operations.entries()) {
      const answer = this.run(operation);
      // A refusal on a limit workers hold grants on: the rest of the batch waits for the recall (rare: only
      // near a limit, where grants are no longer handed out).
      if (answer instanceof Promise) return this.finishAsync(operations, answers, index, answer);
      answers.push(answer);
    }
    this.delivered(answers);
    return answers;
  }

  private async finishAsync(
    operations: LimitOperation[],
    answers: unknown[],
    index: number,
    pending: Promise<unknown>,
  ): Promise<unknown[]> {
    answers.push(await pending);
    for (const operation of operations.slice(index + 1)) answers.push(await this.run(operation));
    this.delivered(answers);
    return answers;
  }

  /** The grants of a batch's answers are on their way: from now on only their holder can give them back. */
  private delivered(answers: readonly unknown[]): void {
    if (this.undelivered.size === 0) return;
    for (const answer of answers) {
      const grants = (answer as { grants?: GrantInfo[] } | null)?.grants;
      if (grants !== undefined) for (const grant of grants) this.undelivered.delete(grant.id);
    }
  }

  /**
   * Takes back the grants on a limit still waiting in an unanswered batch (their holder does not know them
   * yet, so a recall could not reach them): they are closed and struck from the answer. True if any was.
   */
  private revokeUndelivered(key: string): boolean {
    let revoked = false;
    for (const [id, grants] of this.undelivered) {
      const index = grants.findIndex((grant) => grant.id === id);
      const grant = this.ledger.grants.get(id);
      const grantKey = grant === undefined ? undefined : grant.kind === "rate" ? grant.spec.key : grant.key;
      if (grantKey !== key) continue;
      this.ledger.grants.close(id);
      if (index !== -1) grants.splice(index, 1);
      this.undelivered.delete(id);
      revoked = true;
    }
    return revoked;
  }

  /** The ledger, for the owner's own readers (`/v1/me` and the limits API run in workers and call `quota`). */
  get state(): LimitLedger {
    return this.ledger;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.recalls.releaseAll();
    this.flush();
    this.database?.close();
    this.database = undefined;
  }

  private run(operation: LimitOperation): unknown {
    switch (operation.op) {
      case "admit":
        return this.admit(operation, 0);
      case "take":
        return this.take(operation.specs, operation.tokens, 0);
      case "release":
        releaseGrants(this.ledger, operation.releases);
        this.recalls.answered(operation.releases.map((release) => release.id));
        return null;
      case "adjust":
        adjustRate(this.ledger, operation.spec, operation.difference);
        return null;
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

  /**
   * An admission, with grants when asked for and the limits are far from their end. A refusal by a limit that
   * workers hold grants on recalls them and decides again: capacity a worker holds unused never turns away a
   * request the ledger alone would have admitted.
   */
  private admit(operation: Extract<LimitOperation, { op: "admit" }>, recalled: number): unknown {
    const { request, want } = operation;
    const result = this.ledger.admit(request);
    if (result.ok) {
      if (want === undefined || want.length === 0) return result;
      const holder = operation.holder ?? "";
      const grants = grantCapacity(this.ledger, holder, request.specs, want, request.tokens, request.leaseMs);
      if (grants.length === 0) return result;
      for (const grant of grants) this.undelivered.set(grant.id, grants);
      return { ...result, grants };
    }
    if ("stale" in result) return result;
    const key = request.specs[result.denied]?.key;
    if (key === undefined) return result;
    // Grants not delivered yet come back at once; those delivered are recalled from their holders.
    if (this.revokeUndelivered(key)) return this.admit(operation, recalled);
    if (!this.mayRecall(key, recalled)) return result;
    return this.recall(key).then(() => this.admit(operation, recalled + 1));
  }

  private take(specs: RateSpec[], tokens: number, recalled: number): unknown {
    const result = takeUnits(this.ledger, specs, tokens);
    if (result.ok) return result;
    const key = specs[result.denied]?.key;
    if (key === undefined) return result;
    if (this.revokeUndelivered(key)) return this.take(specs, tokens, recalled);
    if (!this.mayRecall(key, recalled)) return result;
    return this.recall(key).then(() => this.take(specs, tokens, recalled + 1));
  }

  /**
   * A request recalls at most twice (two of its limits held by workers), and only grants not asked back
   * already; then it takes the ledger's answer.
   */
  private mayRecall(key: string, recalled: number): boolean {
    if (this.options.publish === undefined || recalled >= 2) return false;
    return this.recalls.running(key) || this.ledger.grants.recallable(key).length > 0;
  }

  /** Joins the recall of this limit in progress, or starts one. */
  private recall(key: string): Promise<void> {
    if (this.recalls.running(key)) return this.recalls.wait(key, [], () => {});
    const ids = this.ledger.grants.recallable(key);
    this.ledger.grants.markRecalled(ids);
    return this.recalls.wait(key, ids, () => this.options.publish?.(LIMITS_RECALL_TOPIC, { keys: [key] }));
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
