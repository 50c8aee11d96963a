import { describe, expect, it } from "vitest";
import {
  addLatencyCounts,
  createLatencyCounts,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  latencyQuantileMs,
} from "./latency-histogram.js";

function histogramOf(latenciesMs: number[]): number[] {
  const counts = createLatencyCounts();
  for (const ms of latenciesMs) {
    const index = latencyBucketIndex(ms);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

describe("latency histogram", () => {
  it("puts each latency in the bucket whose bounds hold it, the slowest in the last", () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(1)).toBe(0);
    expect(latencyBucketIndex(1.4)).toBe(1);
    expect(latencyBucketIndex(1.5)).toBe(1);
    expect(latencyBucketIndex(2)).toBe(2);
    expect(latencyBucketIndex(Number.NaN)).toBe(0);
    expect(latencyBucketIndex(10 * 60 * 1000)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it.each([
    [0.5, 50],
    [0.95, 95],
    [0.99, 99],
  ])("estimates the %s quantile of 1..100 ms within a bucket's width of the truth", (q, truth) => {
    const counts = histogramOf(Array.from({ length: 100 }, (_, index) => index + 1));
    const estimate = latencyQuantileMs(counts, q) as number;
    expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.35);
  });

  it("is null without data, and merges by adding counts", () => {
    expect(latencyQuantileMs(createLatencyCounts(), 0.5)).toBeNull();
    const merged = histogramOf([10, 10]);
    addLatencyCounts(merged, histogramOf([1000, 1000]));
    expect(merged.reduce((sum, count) => sum + count, 0)).toBe(4);
    expect(latencyQuantileMs(merged, 0.99) as number).toBeGreaterThan(500);
    expect(latencyQuantileMs(merged, 0.25) as number).toBeLessThan(20);
  });
});
