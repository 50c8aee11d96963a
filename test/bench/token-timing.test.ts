import { describe, expect, it } from "vitest";
import { stallFreeLevel } from "../../bench/src/aggregate.js";
import type { ConcurrentStreamsResult } from "../../bench/src/stream-probe.js";
import { addedTokenLatency, tokenGaps, tokenLatency } from "../../bench/src/token-timing.js";

describe("per-token latency of paced streams", () => {
  it("takes the gap after the token before each token, not the time to the first", () => {
    expect(tokenGaps([5, 25, 45, 70])).toEqual([20, 20, 25]);
    expect(tokenGaps([5])).toEqual([]);
    expect(tokenGaps([])).toEqual([]);
  });

  it("pools the gaps of every stream for its percentiles, and averages over the streams' spans", () => {
    const fast = Array.from({ length: 100 }, (_, index) => 1 + index * 20);
    const slowTail = [...fast.slice(0, 99), (fast[98] as number) + 120];
    const latency = tokenLatency([fast, slowTail]);
    expect(latency.gaps).toBe(198);
    expect(latency.p50Ms).toBe(20);
    // One gap in 198 is 120 ms: above the 99th percentile's rank, so p99 stays at 20; the mean sees it.
    expect(latency.p99Ms).toBe(20);
    expect(latency.meanMs).toBeCloseTo((99 * 20 + 98 * 20 + 120) / 198, 9);
    const withStalls = tokenLatency([slowTail, slowTail, slowTail, [0, 120]]);
    expect(withStalls.p99Ms).toBe(120);
  });

  it("reports NaN, not zero, when there are no gaps to measure", () => {
    const latency = tokenLatency([[3], []]);
    expect(latency.gaps).toBe(0);
    expect(latency.p50Ms).toBeNaN();
    expect(latency.meanMs).toBeNaN();
  });

  it("subtracts the direct call's figures field by field", () => {
    const own = { p50Ms: 20.4, p99Ms: 22, meanMs: 20.5, gaps: 10 };
    const direct = { p50Ms: 20.3, p99Ms: 21, meanMs: 20.25, gaps: 10 };
    const added = addedTokenLatency(own, direct);
    expect(added.p50Ms).toBeCloseTo(0.1, 9);
    expect(added.p99Ms).toBeCloseTo(1, 9);
    expect(added.meanMs).toBeCloseTo(0.25, 9);
  });
});

describe("stall-free concurrent streams", () => {
  const level = (streams: number, ok: number): ConcurrentStreamsResult => ({
    streams,
    ok,
    stalled: streams - ok,
    failed: 0,
    maxGapMs: 0,
    firstDataP50Ms: 1,
    firstDataP99Ms: 2,
  });

  it("is the highest level reached with every stream clean, counting up from the lowest", () => {
    expect(stallFreeLevel([level(512, 512), level(1024, 1024), level(2048, 2040)])).toBe(1024);
    expect(stallFreeLevel([level(512, 511)])).toBe(0);
    expect(stallFreeLevel([level(512, 512), level(1024, 1000), level(2048, 2048)])).toBe(512);
    expect(stallFreeLevel([])).toBe(0);
  });
});
