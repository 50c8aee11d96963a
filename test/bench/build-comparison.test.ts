import { describe, expect, it } from "vitest";
import { type BuildComparison, comparisonReport, roundRatios } from "../../bench/src/build-comparison.js";

const comparison = (current: number[]): BuildComparison => ({
  baseline: "060c5f4",
  current: "abc1234",
  settings: { rounds: 2, seconds: 3, processes: 2, connections: 32 },
  pinning: "not pinned",
  routes: [
    {
      label: "OpenAI API -> OpenAI (pass-through)",
      groups: [
        { label: "baseline 060c5f4", cpuUsPerRound: [100, 120] },
        { label: "current abc1234", cpuUsPerRound: current },
      ],
    },
  ],
});

describe("bench:compare's report", () => {
  it("compares each round with the baseline's same round", () => {
    expect(
      roundRatios({ label: "b", cpuUsPerRound: [150, 150] }, { label: "a", cpuUsPerRound: [100, 150] }),
    ).toEqual([1.5, 1]);
  });

  it("states each group's median and its added CPU, and judges the current build against a 10% allowance", () => {
    const regressed = comparisonReport(comparison([200, 240]));
    expect(regressed).toContain("| baseline 060c5f4 | 110.0 |  |");
    expect(regressed).toContain("| current abc1234 | 220.0 | +100.0% ± 0.0% |");
    expect(regressed).toContain("OpenAI API -> OpenAI (pass-through) not met (+100.0% ± 0.0%)");
    const within = comparisonReport(comparison([105, 126]));
    expect(within).toContain("OpenAI API -> OpenAI (pass-through) met (+5.0% ± 0.0%)");
  });
});
