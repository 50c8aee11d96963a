import { describe, expect, it } from "vitest";
import { addedPercent, meanWithError } from "../../bench/src/stats.js";

describe("the bench's mean with its standard error", () => {
  it("divides the sample standard deviation by the square root of the count", () => {
    // Mean 1.1; deviations -0.1, 0.1, -0.1, 0.1: sample variance 0.04 / 3; error sqrt(0.04 / 3 / 4).
    const { mean, error } = meanWithError([1.0, 1.2, 1.0, 1.2]);
    expect(mean).toBeCloseTo(1.1, 12);
    expect(error).toBeCloseTo(Math.sqrt(0.04 / 3 / 4), 12);
  });

  it("has no error for one value, and neither for none", () => {
    expect(meanWithError([1.5])).toEqual({ mean: 1.5, error: Number.NaN });
    expect(meanWithError([])).toEqual({ mean: Number.NaN, error: Number.NaN });
  });
});

describe("the bench's added percentage", () => {
  it("states the mean ratio as a signed percentage with its standard error", () => {
    expect(addedPercent([1.1, 1.3])).toBe("+20.0% ± 10.0%");
    expect(addedPercent([0.9, 0.9])).toBe("-10.0% ± 0.0%");
  });

  it("says a single ratio has no error instead of printing NaN", () => {
    expect(addedPercent([1.25])).toBe("+25.0%, one round");
  });
});
