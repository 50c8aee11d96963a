import { MAX_HOURLY_RETENTION_DAYS } from "../../config/governance/usage-retention.js";

/**
 * The time buckets of the usage aggregates: a UTC day (`2026-12-04`) and a UTC hour (`2026-12-04T13`, shown as
 * `2026-12-04T13:00:00Z`). Days are kept for 400 days; hours for `governance.usage_log.hourly_retention_days`.
 */
export type UsageBucket = "day" | "hour";
export const USAGE_BUCKETS: readonly UsageBucket[] = ["day", "hour"];

/** The usage API reads at most this many days at once (and day buckets live this long). */
export const MAX_USAGE_DAYS = 400;
export { DEFAULT_HOURLY_RETENTION_DAYS } from "../../config/governance/usage-retention.js";
/** The usage API reads at most this many hours at once: the longest retention. */
export const MAX_USAGE_HOURS = MAX_HOURLY_RETENTION_DAYS * 24;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The bucket an instant falls in: a record's `ts_start` (an ISO instant in UTC, as the usage log writes it) or
 * a stored hour (`2026-12-04T13`, whose day is its first ten characters).
 */
export function bucketOf(instant: string, bucket: UsageBucket): string {
  return instant.slice(0, bucket === "day" ? 10 : 13);
}

/** A stored hour (`2026-12-04T13`) as the API shows it: the hour's first instant. */
export function hourInstant(hour: string): string {
  return `${hour}:00:00Z`;
}

/** The stored form of the hour holding `ms`. */
export function hourAt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/** Every bucket from `from` to `to` (stored forms, inclusive), at most `max` of them. */
export function bucketsBetween(bucket: UsageBucket, from: string, to: string, max: number): string[] {
  const step = bucket === "day" ? DAY_MS : HOUR_MS;
  const parse = (value: string) => Date.parse(bucket === "day" ? `${value}T00:00:00Z` : hourInstant(value));
  const slice = bucket === "day" ? 10 : 13;
  const buckets: string[] = [];
  const end = parse(to);
  for (let at = parse(from); at <= end && buckets.length < max; at += step)
    buckets.push(new Date(at).toISOString().slice(0, slice));
  return buckets;
}

/** The oldest hour kept with a retention of `days` (stored form): older hourly buckets are dropped. */
export function oldestKeptHour(days: number, nowMs = Date.now()): string {
  return hourAt(nowMs - days * DAY_MS);
}
