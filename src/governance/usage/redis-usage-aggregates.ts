import type { Redis } from "ioredis";
import { nanoToUsd } from "../../config/governance/usd-amount.js";
import { createRedisConnection, governanceKey, whenReady } from "../store/redis-connection.js";
import type { UsageDimension, UsageQuery, UsageRow } from "./usage-aggregates.js";
import type { UsageRecord } from "./usage-record.js";

const SEPARATOR = "\u0001";
/** The counters of one (day, key, route, model): field suffixes of the day's hash. */
const COUNTERS = ["requests", "input", "output", "cost", "unpriced"] as const;
type Counter = (typeof COUNTERS)[number];
/** Day hashes outlive the longest range the usage API reads. */
const DAY_TTL_SECONDS = 400 * 86_400;
/** The usage API reads at most this many days at once. */
export const MAX_USAGE_DAYS = 400;

/**
 * Per-day usage aggregates in Redis, shared by every replica: one hash per UTC day (`{tag}:use:<day>`) whose
 * fields are `<key>␁<route>␁<model>␁<counter>`, added to with HINCRBY once a second (what one process counted
 * since). The usage API sums the hashes of the days asked; it never reads the log.
 */
export class RedisUsageAggregates {
  private pending = new Map<string, Record<Counter, number>>();
  private readonly redis: Redis;
  private readonly hashTag: string;

  constructor(settings: { url: string; hashTag: string; commandTimeoutMs: number }) {
    this.redis = createRedisConnection(settings);
    this.hashTag = settings.hashTag;
  }

  add(records: readonly UsageRecord[]): void {
    for (const record of records) {
      const id = [record.ts_start.slice(0, 10), record.key_id ?? "", record.route, record.model].join(
        SEPARATOR,
      );
      let counters = this.pending.get(id);
      if (counters === undefined) {
        counters = { requests: 0, input: 0, output: 0, cost: 0, unpriced: 0 };
        this.pending.set(id, counters);
      }
      counters.requests++;
      counters.input += record.input_tokens;
      counters.output += record.output_tokens;
      if (record.cost_nano_usd === null) counters.unpriced++;
      else counters.cost += record.cost_nano_usd;
    }
  }

  /** Resolves true once connected (false after `timeoutMs`): until then, flushes keep what is pending. */
  ready(timeoutMs = 5000): Promise<boolean> {
    return whenReady(this.redis, timeoutMs);
  }

  async flush(): Promise<void> {
    // Not connected yet (start-up) or any more: keep counting; the next flush writes it all.
    if (this.pending.size === 0 || this.redis.status !== "ready") return;
    const pending = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.multi();
    const days = new Set<string>();
    for (const [id, counters] of pending) {
      const [day = "", ...rest] = id.split(SEPARATOR);
      const key = governanceKey(this.hashTag, "use", day);
      days.add(key);
      for (const counter of COUNTERS) {
        if (counters[counter] !== 0)
          pipeline.hincrby(key, [...rest, counter].join(SEPARATOR), counters[counter]);
      }
    }
    for (const key of days) pipeline.expire(key, DAY_TTL_SECONDS);
    try {
      await pipeline.exec();
    } catch (error) {
      // Not written (MULTI is all or nothing): counted again with the next flush.
      for (const [id, counters] of pending) {
        const into = this.pending.get(id);
        if (into === undefined) this.pending.set(id, counters);
        else for (const counter of COUNTERS) into[counter] += counters[counter];
      }
      throw error;
    }
  }

  async query(query: UsageQuery): Promise<UsageRow[]> {
    await this.flush().catch(() => {});
    const days = daysBetween(query.from, query.to);
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(governanceKey(this.hashTag, "use", day));
    const answers = (await pipeline.exec()) ?? [];
    const rows = new Map<string, UsageRow>();
    answers.forEach(([error, hash], index) => {
      if (error !== null) throw error;
      const day = days[index] as string;
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        const [key = "", route = "", model = "", counter] = field.split(SEPARATOR);
        if (query.key !== undefined && key !== query.key) continue;
        const values: Record<UsageDimension, string> = { day, key, route, model };
        const id = query.groupBy.map((dimension) => values[dimension]).join(SEPARATOR);
        let row = rows.get(id);
        if (row === undefined) {
          row = {
            requests: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost_nano_usd: 0,
            cost_usd: "0",
            unpriced_requests: 0,
          };
          for (const dimension of query.groupBy) {
            if (dimension === "key") row.key = key === "" ? null : key;
            else row[dimension] = values[dimension];
          }
          rows.set(id, row);
        }
        const amount = Number(value);
        if (counter === "requests") row.requests += amount;
        else if (counter === "input") row.input_tokens += amount;
        else if (counter === "output") row.output_tokens += amount;
        else if (counter === "cost") row.cost_nano_usd += amount;
        else if (counter === "unpriced") row.unpriced_requests += amount;
      }
    });
    return [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => ({ ...row, cost_usd: nanoToUsd(row.cost_nano_usd) }));
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.redis.disconnect();
    }
  }
}

/** Every UTC day from `from` to `to` (YYYY-MM-DD, inclusive), at most MAX_USAGE_DAYS. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end && days.length < MAX_USAGE_DAYS; at += 86_400_000)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}
