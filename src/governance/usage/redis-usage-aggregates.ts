import type { Redis } from "ioredis";
import { nanoToUsd } from "../../config/governance/usd-amount.js";
import { createRedisConnection, governanceKey, whenReady } from "../store/redis-connection.js";
import type { UsageDimension, UsageQuery, UsageRow } from "./usage-aggregates.js";
import {
  bucketOf,
  bucketsBetween,
  DEFAULT_HOURLY_RETENTION_DAYS,
  hourInstant,
  MAX_USAGE_DAYS,
  MAX_USAGE_HOURS,
  oldestKeptHour,
  type UsageBucket,
} from "./usage-buckets.js";
import type { UsageCount } from "./usage-tally.js";

export { MAX_USAGE_DAYS } from "./usage-buckets.js";

const SEPARATOR = "\u0001";
/** The counters of one (bucket, key, route, model): field suffixes of the bucket's hash. */
const COUNTERS = ["requests", "input", "output", "cost", "unpriced"] as const;
type Counter = (typeof COUNTERS)[number];
/** Day hashes outlive the longest range the usage API reads. */
const DAY_TTL_SECONDS = MAX_USAGE_DAYS * 86_400;
/** Key prefixes: `{tag}:use:<day>` and `{tag}:useh:<hour>`. */
const PREFIX: Record<UsageBucket, string> = { day: "use", hour: "useh" };

/**
 * Per-day and per-hour usage aggregates in Redis, shared by every replica: one hash per UTC day
 * (`{tag}:use:<day>`) and per UTC hour (`{tag}:useh:<hour>`, expiring `hourly_retention_days` after the hour)
 * whose fields are `<key>␁<route>␁<model>␁<counter>`, added to with HINCRBY once a second (what one process
 * counted since). The usage API sums the hashes of the buckets asked; it never reads the log.
 */
export class RedisUsageAggregates {
  private pending = new Map<string, Record<Counter, number>>();
  private readonly redis: Redis;
  private readonly hashTag: string;

  constructor(
    settings: { url: string; hashTag: string; commandTimeoutMs: number },
    /** Days hourly buckets are kept. */
    public hourlyRetentionDays = DEFAULT_HOURLY_RETENTION_DAYS,
  ) {
    this.redis = createRedisConnection(settings);
    this.hashTag = settings.hashTag;
  }

  add(counts: readonly UsageCount[]): void {
    for (const bucket of ["day", "hour"] as const)
      for (const count of counts) {
        const id = [bucket, bucketOf(count.hour, bucket), count.key ?? "", count.route, count.model].join(
          SEPARATOR,
        );
        let counters = this.pending.get(id);
        if (counters === undefined) {
          counters = { requests: 0, input: 0, output: 0, cost: 0, unpriced: 0 };
          this.pending.set(id, counters);
        }
        counters.requests += count.requests;
        counters.input += count.input;
        counters.output += count.output;
        counters.cost += count.costNano;
        counters.unpriced += count.unpriced;
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
    /** Day hashes: a TTL in seconds; hour hashes: an instant (ms) `retention` after the hour ends. */
    const expiries = new Map<string, { ttlSeconds: number } | { atMs: number }>();
    const retentionMs = this.hourlyRetentionDays * 86_400_000;
    for (const [id, counters] of pending) {
      const [bucket = "day", at = "", ...rest] = id.split(SEPARATOR);
      const key = governanceKey(this.hashTag, PREFIX[bucket as UsageBucket], at);
      expiries.set(
        key,
        bucket === "hour"
          ? { atMs: Date.parse(hourInstant(at)) + 3_600_000 + retentionMs }
          : { ttlSeconds: DAY_TTL_SECONDS },
      );
      for (const counter of COUNTERS) {
        if (counters[counter] !== 0)
          pipeline.hincrby(key, [...rest, counter].join(SEPARATOR), counters[counter]);
      }
    }
    for (const [key, expiry] of expiries) {
      if ("atMs" in expiry) pipeline.pexpireat(key, expiry.atMs);
      else pipeline.expire(key, expiry.ttlSeconds);
    }
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
    const bucket = query.bucket ?? "day";
    let buckets = bucketsBetween(
      bucket,
      query.from,
      query.to,
      bucket === "day" ? MAX_USAGE_DAYS : MAX_USAGE_HOURS,
    );
    if (bucket === "hour") {
      const oldest = oldestKeptHour(this.hourlyRetentionDays);
      buckets = buckets.filter((hour) => hour >= oldest);
    }
    const pipeline = this.redis.pipeline();
    for (const at of buckets) pipeline.hgetall(governanceKey(this.hashTag, PREFIX[bucket], at));
    const answers = (await pipeline.exec()) ?? [];
    const rows = new Map<string, UsageRow>();
    answers.forEach(([error, hash], index) => {
      if (error !== null) throw error;
      const at = buckets[index] as string;
      const time = bucket === "day" ? at : hourInstant(at);
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        const [key = "", route = "", model = "", counter] = field.split(SEPARATOR);
        if (query.key !== undefined && key !== query.key) continue;
        const values: Record<UsageDimension, string> = { day: time, hour: time, key, route, model };
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
