/** The time ranges of the Usage page, as the usage API's buckets. */
export interface UsageRange {
  id: string;
  label: string;
  bucket: "day" | "hour";
  /** How many buckets, the current one last. */
  count: number;
}

export const RANGES: readonly UsageRange[] = [
  { id: "1h", label: "Last hour", bucket: "hour", count: 2 },
  { id: "24h", label: "Last 24 hours", bucket: "hour", count: 24 },
  { id: "today", label: "Today (UTC)", bucket: "day", count: 1 },
  { id: "7d", label: "Last 7 days", bucket: "day", count: 7 },
  { id: "30d", label: "Last 30 days", bucket: "day", count: 30 },
];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The buckets a range covers at `now`, oldest first, as the usage API names them in its rows (`2026-12-04`, or
 * `2026-12-04T13:00:00Z`). "Last hour" is the hour buckets that hold the last 60 minutes: the current hour
 * and the one before (the aggregates' finest grain is an hour).
 */
export function bucketsOf(range: UsageRange, now: Date): string[] {
  const step = range.bucket === "day" ? DAY_MS : HOUR_MS;
  return Array.from({ length: range.count }, (_, index) => {
    const at = new Date(now.getTime() - (range.count - 1 - index) * step).toISOString();
    return range.bucket === "day" ? at.slice(0, 10) : `${at.slice(0, 13)}:00:00Z`;
  });
}

/** A bucket's instant in Unix seconds, at its middle, for a chart's x axis. */
export function bucketTime(bucket: string): number {
  return bucket.length === 10
    ? Date.parse(`${bucket}T12:00:00Z`) / 1000
    : Date.parse(bucket) / 1000 + HOUR_MS / 2000;
}
