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

  it("adds audio, image and web-search counts, and keeps the tier of the call that reported one last", () => {
    const first = createUsage(100, 20, {
      audioInputTokens: 30,
      imageTokens: 12,
      webSearchRequests: 1,
      serviceTier: "priority",
    });
    const second = createUsage(120, 10, { audioOutputTokens: 8, webSearchRequests: 2 });
    expect(addUsage(first, second)).toEqual({
      inputTokens: 220,
      outputTokens: 30,
      totalTokens: 250,
      audioInputTokens: 30,
      audioOutputTokens: 8,
      imageTokens: 12,
      webSearchRequests: 3,
      serviceTier: "priority",
    });
    expect(addUsage(first, createUsage(1, 1, { serviceTier: "default" })).serviceTier).toBe("default");
  });

  it("leaves a detail neither call reported absent (not reported, never 0), and an unknown count unknown", () => {
    const sum = addUsage(createUsage(null, null), createUsage(null, null));
    expect(sum).toEqual({ inputTokens: null, outputTokens: null, totalTokens: null });
    const plain = addUsage(createUsage(5, 5), createUsage(5, 5));
    for (const key of [
      "reasoningTokens",
      "audioInputTokens",
      "imageTokens",
      "webSearchRequests",
      "serviceTier",
    ])
      expect(key in plain).toBe(false);
  });
});
