import { existsSync } from "node:fs";
import { nanoToUsd } from "../../config/governance/usd-amount.js";
import { type GovernanceDatabase, openGovernanceDatabase } from "../store/governance-database.js";
import type { UsageRecord } from "./usage-record.js";

/** What `GET /admin/v1/usage` asks: a day range (UTC, inclusive) and the dimensions to group by. */
export interface UsageQuery {
  from: string;
  to: string;
  groupBy: UsageDimension[];
  /** Only this key's usage. */
  key?: string;
}

export type UsageDimension = "day" | "key" | "route" | "model";
export const USAGE_DIMENSIONS: readonly UsageDimension[] = ["day", "key", "route", "model"];

export interface UsageRow {
  day?: string;
  key?: string | null;
  route?: string;
  model?: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_nano_usd: number;
  cost_usd: string;
  /** Requests without a price: their cost is not in `cost_usd` (it is unknown, never 0). */
  unpriced_requests: number;
}

/** Counters of one (day, key, route, model). */
interface Counters {
  requests: number;
  input: number;
  output: number;
  costNano: number;
  unpriced: number;
}

const NO_KEY = "";

/**
 * Per-day usage aggregates, so the usage API never reads the log: small counters per (day, key, route,
 * model), added to in memory as records arrive and written to the SQLite file once a second (one transaction).
 */
export class SqliteUsageAggregates {
  private pending = new Map<string, Counters>();
  private database: GovernanceDatabase | undefined;

  constructor(private readonly path: string) {}

  add(records: readonly UsageRecord[]): void {
    for (const record of records) {
      const id = [record.ts_start.slice(0, 10), record.key_id ?? NO_KEY, record.route, record.model].join(
        "\u0001",
      );
      let counters = this.pending.get(id);
      if (counters === undefined) {
        counters = { requests: 0, input: 0, output: 0, costNano: 0, unpriced: 0 };
        this.pending.set(id, counters);
      }
      counters.requests++;
      counters.input += record.input_tokens;
      counters.output += record.output_tokens;
      if (record.cost_nano_usd === null) counters.unpriced++;
      else counters.costNano += record.cost_nano_usd;
    }
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const database = this.open();
    const upsert = database.prepare(
      `INSERT INTO usage_daily (day, key_id, route, model, requests, input_tokens, output_tokens, cost_nano, unpriced)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, key_id, route, model) DO UPDATE SET
         requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens, cost_nano = cost_nano + excluded.cost_nano,
         unpriced = unpriced + excluded.unpriced`,
    );
    database.transaction(() => {
      for (const [id, counters] of pending) {
        const [day, key, route, model] = id.split("\u0001");
        upsert.run(
          day,
          key,
          route,
          model,
          counters.requests,
          counters.input,
          counters.output,
          counters.costNano,
          counters.unpriced,
        );
      }
    })();
  }

  query(query: UsageQuery): UsageRow[] {
    this.flush();
    if (this.database === undefined && !existsSync(this.path)) return [];
    const columns = query.groupBy.map((dimension) => COLUMN[dimension]);
    const select = columns.map((column, index) => `${column} AS d${index}`);
    const where = ["day >= ?", "day <= ?"];
    const parameters: string[] = [query.from, query.to];
    if (query.key !== undefined) {
      where.push("key_id = ?");
      parameters.push(query.key);
    }
    const sql = `SELECT ${[...select, "SUM(requests) AS requests", "SUM(input_tokens) AS input", "SUM(output_tokens) AS output", "SUM(cost_nano) AS cost", "SUM(unpriced) AS unpriced"].join(", ")}
      FROM usage_daily WHERE ${where.join(" AND ")}${columns.length > 0 ? ` GROUP BY ${columns.join(", ")} ORDER BY ${columns.join(", ")}` : ""}`;
    const rows = this.open()
      .prepare(sql)
      .all(...parameters) as Record<string, string | number | null>[];
    return rows
      .filter((row) => row.requests !== null)
      .map((row) => {
        const out: UsageRow = {
          requests: Number(row.requests),
          input_tokens: Number(row.input),
          output_tokens: Number(row.output),
          cost_nano_usd: Number(row.cost),
          cost_usd: nanoToUsd(Number(row.cost)),
          unpriced_requests: Number(row.unpriced),
        };
        query.groupBy.forEach((dimension, index) => {
          const value = row[`d${index}`];
          if (dimension === "key") out.key = value === NO_KEY ? null : String(value);
          else out[dimension] = String(value);
        });
        return out;
      });
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.database?.close();
      this.database = undefined;
    }
  }

  private open(): GovernanceDatabase {
    this.database ??= openGovernanceDatabase(this.path, MIGRATIONS);
    return this.database;
  }
}

const COLUMN: Record<UsageDimension, string> = { day: "day", key: "key_id", route: "route", model: "model" };

const MIGRATIONS = [
  {
    id: "usage.1",
    sql: `CREATE TABLE usage_daily (
      day TEXT NOT NULL, key_id TEXT NOT NULL, route TEXT NOT NULL, model TEXT NOT NULL,
      requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      cost_nano INTEGER NOT NULL, unpriced INTEGER NOT NULL,
      PRIMARY KEY (day, key_id, route, model))`,
  },
];
