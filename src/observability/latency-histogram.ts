/**
 * Fixed latency buckets shared by every process, so histograms from several workers and seconds merge by
 * adding counts. Bounds grow by half each step from 1 ms, reaching past 2 minutes in 31 buckets; a quantile
 * read from them is interpolated within its bucket, close enough for a chart and cheap to keep per second.
 */
const GROWTH = 1.5;
export const LATENCY_BUCKET_COUNT = 32;
/** Upper bound (ms) of each bucket but the last, which holds everything slower. */
const UPPER_BOUNDS_MS = Array.from({ length: LATENCY_BUCKET_COUNT - 1 }, (_, index) => GROWTH ** index);
const LOG_GROWTH = Math.log(GROWTH);

export function createLatencyCounts(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** The bucket a latency falls in: the first whose upper bound is at least it. */
export function latencyBucketIndex(ms: number): number {
  if (!(ms > 1)) return 0;
  const index = Math.ceil(Math.log(ms) / LOG_GROWTH - 1e-9);
  return Math.min(index, LATENCY_BUCKET_COUNT - 1);
}

/** Adds `from` into `into`, bucket by bucket. */
export function addLatencyCounts(into: number[], from: readonly number[]): void {
  for (let index = 0; index < LATENCY_BUCKET_COUNT; index++)
    into[index] = (into[index] ?? 0) + (from[index] ?? 0);
}

/** The `q` quantile (0..1) in ms, interpolated within its bucket; null when nothing was counted. */
export function latencyQuantileMs(counts: readonly number[], q: number): number | null {
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let index = 0; index < LATENCY_BUCKET_COUNT; index++) {
    const count = counts[index] ?? 0;
    if (count === 0) continue;
    if (seen + count >= rank) {
      const lower = index === 0 ? 0 : (UPPER_BOUNDS_MS[index - 1] as number);
      // The overflow bucket has no upper bound: its lower bound is the honest answer.
      const upper = UPPER_BOUNDS_MS[index] ?? lower;
      return lower + (upper - lower) * Math.min(1, Math.max(0, (rank - seen) / count));
    }
    seen += count;
  }
  return UPPER_BOUNDS_MS[LATENCY_BUCKET_COUNT - 2] as number;
}
