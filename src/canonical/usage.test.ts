import { describe, expect, it } from "vitest";
import { addUsage, createUsage } from "./usage.js";

describe("addUsage (a stream and its continuation)", () => {
  it("adds the counts and keeps the breakdown either call reported", () => {
    const first = createUsage(1000, 40, { cacheReadTokens: 800, reasoningTokens: 10 });
    const second = createUsage(1040, 60, {
      cacheWriteTokens: 200,
      cacheWrite1hTokens: 200,
      reasoningTokens: 5,
    });
    expect(addUsage(first, second)).toEqual({
      inputTokens: 2040,
      outputTokens: 100,
      totalTokens: 2140,
      cacheReadTokens: 800,
      cacheWriteTokens: 200,
      cacheWrite1hTokens: 200,
      reasoningTokens: 15,
    });
  });

  it("leaves a detail neither call reported absent (not reported, never 0), and an unknown count unknown", () => {
    const sum = addUsage(createUsage(null, null), createUsage(null, null));
    expect(sum).toEqual({ inputTokens: null, outputTokens: null, totalTokens: null });
    expect("reasoningTokens" in addUsage(createUsage(5, 5), createUsage(5, 5))).toBe(false);
  });
});
