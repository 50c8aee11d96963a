import { existsSync } from "node:fs";
import { nanoToUsd } from "../../config/governance/usd-amount.js";
import { type GovernanceDatabase, openGovernanceDatabase } from "../store/governance-database.js";
import {
  bucketOf,
  DEFAULT_HOURLY_RETENTION_DAYS,
  hourInstant,
  oldestKeptHour,
  type UsageBucket,
} from "./usage-buckets.js";
import type { UsageCount } from "./usage-tally.js";

/**
 * What the aggregates are asked: a range of buckets (UTC days, or UTC hours as `2026-12-04T13`; inclusive) and
 * the dimensions to group by.
 */
export interface UsageQuery {
  /** Day buckets unless `hour`. */
  bucket?: UsageBucket;
  from: string;
  to: string;
  groupBy: UsageDimension[];
  /** Only this key's usage. */
  key?: string;
}

export type UsageDimension = "day" | "hour" | "key" | "route" | "model";

export interface UsageRow {
  day?: string;
  /** The hour's first instant, `2026-12-04T13:00:00Z`. */
  hour?: string;
  key?: string | null;
  /** Only when grouped by group (the admin API adds it from the keys' groups). */
  group?: string | null;
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

/** Counters of one (bucket, key, route, model). */
interface Counters {
  requests: number;
  input: number;
  output: number;
  costNano: number;
  unpriced: number;
}

const NO_KEY = "";
const SEPARATOR = "\u0001";
/** Expired hourly rows are deleted at most this often. */
const PRUNE_EVERY_MS = 10 * 60_000;
const TABLE: Record<UsageBucket, { table: string; column: string }> = {
  day: { table: "usage_daily", column: "day" },
  hour: { table: "usage_hourly", column: "hour" },
};

/** Adds counts to the pending counters of their buckets. */
function addCounts(into: Map<string, Counters>, counts: readonly UsageCount[], bucket: UsageBucket): void {
  for (const count of counts) {
    const id = [bucketOf(count.hour, bucket), count.key ?? NO_KEY, count.route, count.model].join(SEPARATOR);
    let counters = into.get(id);
    if (counters === undefined) {
      counters = { requests: 0, input: 0, output: 0, costNano: 0, unpriced: 0 };
      into.set(id, counters);
    }
    counters.requests += count.requests;
    counters.input += count.input;
    counters.output += count.output;
    counters.costNano += count.costNano;
    counters.unpriced += count.unpriced;
  }
}

/**
 * Per-day and per-hour usage aggregates, so the usage API never reads the log: small counters per (bucket,
 * key, route, model), added to in memory as records arrive (off the request path, in the owner) and written to
 * the SQLite file once a second (one transaction). Hourly rows older than the retention are deleted.
 */
export class SqliteUsageAggregates {
  private pending: Record<UsageBucket, Map<string, Counters>> = { day: new Map(), hour: new Map() };
  private database: GovernanceDatabase | undefined;
  private prunedAtMs = 0;

  constructor(
    private readonly path: string,
    /** Days hourly buckets are kept. */
    public hourlyRetentionDays = DEFAULT_HOURLY_RETENTION_DAYS,
  ) {}

  add(counts: readonly UsageCount[]): void {
    addCounts(this.pending.day, counts, "day");
    addCounts(this.pending.hour, counts, "hour");
  }

  flush(): void {
    const nowMs = Date.now();
    const prune = this.database !== undefined && nowMs - this.prunedAtMs >= PRUNE_EVERY_MS;
    if (this.pending.day.size === 0 && this.pending.hour.size === 0 && !prune) return;
    const pending = this.pending;
    this.pending = { day: new Map(), hour: new Map() };
    const database = this.open();
    const oldest = oldestKeptHour(this.hourlyRetentionDays, nowMs);
    database.transaction(() => {
      for (const bucket of ["day", "hour"] as const) {
        const entries = pending[bucket];
        if (entries.size === 0) continue;
        const { table, column } = TABLE[bucket];
        const upsert = database.prepare(
          `INSERT INTO ${table} (${column}, key_id, route, model, requests, input_tokens, output_tokens, cost_nano, unpriced)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (${column}, key_id, route, model) DO UPDATE SET
             requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
             output_tokens = output_tokens + excluded.output_tokens, cost_nano = cost_nano + excluded.cost_nano,
             unpriced = unpriced + excluded.unpriced`,
        );
        for (const [id, counters] of entries) {
          const [at, key, route, model] = id.split(SEPARATOR);
          // An hour already past its retention (a late record) is not kept.
          if (bucket === "hour" && (at as string) < oldest) continue;
          upsert.run(
            at,
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
      }
      if (nowMs - this.prunedAtMs >= PRUNE_EVERY_MS) {
        database.prepare("DELETE FROM usage_hourly WHERE hour < ?").run(oldest);
        this.prunedAtMs = nowMs;
      }
    })();
  }

  query(query: UsageQuery): UsageRow[] {
    this.flush();
    if (this.database === undefined && !existsSync(this.path)) return [];
    const bucket = query.bucket ?? "day";
    const { table, column: time } = TABLE[bucket];
    const columns = query.groupBy.map((dimension) => (dimension === "key" ? "key_id" : dimension));
    const select = columns.map((column, index) => `${column} AS d${index}`);
    const where = [`${time} >= ?`, `${time} <= ?`];
    const parameters: string[] = [query.from, query.to];
    if (bucket === "hour") {
      where.push(`${time} >= ?`);
      parameters.push(oldestKeptHour(this.hourlyRetentionDays));
    }
    if (query.key !== undefined) {
      where.push("key_id = ?");
      parameters.push(query.key);
    }
    const sql = `SELECT ${[...select, "SUM(requests) AS requests", "SUM(input_tokens) AS input", "SUM(output_tokens) AS output", "SUM(cost_nano) AS cost", "SUM(unpriced) AS unpriced"].join(", ")}
      FROM ${table} WHERE ${where.join(" AND ")}${columns.length > 0 ? ` GROUP BY ${columns.join(", ")} ORDER BY ${columns.join(", ")}` : ""}`;
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
          else if (dimension === "hour") out.hour = hourInstant(String(value));
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

const MIGRATIONS = [
  {
    id: "usage.1",
    sql: `CREATE TABLE usage_daily (
      day TEXT NOT NULL, key_id TEXT NOT NULL, route TEXT NOT NULL, model TEXT NOT NULL,
      requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      cost_nano INTEGER NOT NULL, unpriced INTEGER NOT NULL,
      PRIMARY KEY (day, key_id, route, model))`,
  },
  {
    id: "usage.2",
    sql: `CREATE TABLE usage_hourly (
      hour TEXT NOT NULL, key_id TEXT NOT NULL, route TEXT NOT NULL, model TEXT NOT NULL,
      requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      cost_nano INTEGER NOT NULL, unpriced INTEGER NOT NULL,
      PRIMARY KEY (hour, key_id, route, model))`,
  },
];
