import { percentile } from "./stats.js";

/**
 * Per-token timing of paced streams, from the client's arrival times of the chunks holding tokens. A token's
 * latency is its delay after the token before it (the inter-token gap as the client sees it): a hop that
 * holds tokens back, batches them or stalls shows as longer gaps; a hop that delays every token alike shows in
 * the time to first token instead. "Added" compares a path's percentiles with the direct call's in the same run,
 * because the mock's own pacing (a timer per token) jitters in both.
 */

/** Gaps in ms between consecutive arrivals; the first arrival (time to first token) has no gap. */
export function tokenGaps(arrivalsMs: readonly number[]): number[] {
  const gaps: number[] = [];
  for (let index = 1; index < arrivalsMs.length; index++) {
    gaps.push((arrivalsMs[index] as number) - (arrivalsMs[index - 1] as number));
  }
  return gaps;
}

export interface TokenLatency {
  p50Ms: number;
  p99Ms: number;
  /** Mean gap: (last arrival - first arrival) / (tokens - 1), pooled over streams. */
  meanMs: number;
  gaps: number;
}

/** Percentiles of the gaps pooled over every stream given (each a list of arrival times). */
export function tokenLatency(streams: readonly (readonly number[])[]): TokenLatency {
  const gaps = streams.flatMap((arrivals) => tokenGaps(arrivals));
  const span = streams.reduce(
    (sum, arrivals) =>
      arrivals.length < 2 ? sum : sum + ((arrivals[arrivals.length - 1] as number) - (arrivals[0] as number)),
    0,
  );
  return {
    p50Ms: percentile(gaps, 0.5),
    p99Ms: percentile(gaps, 0.99),
    meanMs: gaps.length === 0 ? Number.NaN : span / gaps.length,
    gaps: gaps.length,
  };
}

/** A path's per-token latency minus the baseline's (the direct call), field by field. */
export function addedTokenLatency(own: TokenLatency, baseline: TokenLatency): Omit<TokenLatency, "gaps"> {
  return {
    p50Ms: own.p50Ms - baseline.p50Ms,
    p99Ms: own.p99Ms - baseline.p99Ms,
    meanMs: own.meanMs - baseline.meanMs,
  };
}
