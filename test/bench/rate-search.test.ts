import { describe, expect, it } from "vitest";
import {
  FIELD_CRITERIA,
  nextRate,
  type RateStep,
  type SearchPlan,
  stepPassed,
  sustainedRate,
} from "../../bench/src/rate-search.js";

const PLAN: SearchPlan = { startRate: 250, maxRate: 64_000, refinements: 3, resolution: 0.05 };

/** A server that holds any rate up to `capacity` (p99 40 ms, no errors) and falls over above it. */
function serverWithCapacity(capacity: number) {
  return (rate: number): RateStep =>
    rate <= capacity
      ? { rate, achieved: rate, p99Ms: 40, requests: rate, errors: 0 }
      : { rate, achieved: capacity, p99Ms: 2500, requests: rate, errors: 0 };
}

function search(server: (rate: number) => RateStep, plan = PLAN): RateStep[] {
  const steps: RateStep[] = [];
  for (
    let rate = nextRate(steps, plan, FIELD_CRITERIA);
    rate !== undefined;
    rate = nextRate(steps, plan, FIELD_CRITERIA)
  ) {
    steps.push(server(rate));
    if (steps.length > 50) throw new Error("the search does not end");
  }
  return steps;
}

describe("the stepped search for sustained throughput", () => {
  it("passes a step only with p99 under 1 s, errors under 0.1% and the rate served", () => {
    const good: RateStep = { rate: 1000, achieved: 990, p99Ms: 999, requests: 1000, errors: 0 };
    expect(stepPassed(good, FIELD_CRITERIA)).toBe(true);
    expect(stepPassed({ ...good, p99Ms: 1000 }, FIELD_CRITERIA)).toBe(false);
    expect(stepPassed({ ...good, errors: 1 }, FIELD_CRITERIA)).toBe(false);
    expect(stepPassed({ ...good, requests: 10_000, errors: 9 }, FIELD_CRITERIA)).toBe(true);
    expect(stepPassed({ ...good, achieved: 900 }, FIELD_CRITERIA)).toBe(false);
    expect(stepPassed({ ...good, requests: 0 }, FIELD_CRITERIA)).toBe(false);
  });

  it("doubles from the start rate until a step fails, then bisects the bracket", () => {
    const steps = search(serverWithCapacity(3300));
    expect(steps.map((step) => step.rate)).toEqual([250, 500, 1000, 2000, 4000, 3000, 3500, 3250]);
    expect(sustainedRate(steps, FIELD_CRITERIA)).toBe(3250);
  });

  it("stops bisecting once the bracket is within the resolution", () => {
    const steps = search(serverWithCapacity(3300), { ...PLAN, refinements: 10, resolution: 0.05 });
    const rate = sustainedRate(steps, FIELD_CRITERIA);
    expect(rate).toBeLessThanOrEqual(3300);
    expect(rate).toBeGreaterThan(3300 * 0.95);
    const failedAbove = steps.filter((step) => step.rate > rate).map((step) => step.rate);
    expect(Math.min(...failedAbove) - rate).toBeLessThanOrEqual(rate * 0.05);
  });

  it("stops at the cap when every step passes", () => {
    const steps = search(serverWithCapacity(Number.POSITIVE_INFINITY), { ...PLAN, maxRate: 3000 });
    expect(steps.map((step) => step.rate)).toEqual([250, 500, 1000, 2000, 3000]);
    expect(sustainedRate(steps, FIELD_CRITERIA)).toBe(3000);
  });

  it("halves below the start rate when even it fails, and reports 0 if nothing passes", () => {
    const steps = search(serverWithCapacity(0));
    expect(steps.map((step) => step.rate)).toEqual([250, 125, 63, 32]);
    expect(sustainedRate(steps, FIELD_CRITERIA)).toBe(0);
    expect(sustainedRate(search(serverWithCapacity(100)), FIELD_CRITERIA)).toBe(94);
  });

  it("ignores a failure below the best pass (noise) when choosing the next rate", () => {
    const steps: RateStep[] = [
      { rate: 250, achieved: 250, p99Ms: 10, requests: 250, errors: 0 },
      { rate: 500, achieved: 500, p99Ms: 2000, requests: 500, errors: 0 },
      { rate: 1000, achieved: 1000, p99Ms: 10, requests: 1000, errors: 0 },
    ];
    expect(nextRate(steps, PLAN, FIELD_CRITERIA)).toBe(2000);
    expect(sustainedRate(steps, FIELD_CRITERIA)).toBe(1000);
  });
});
