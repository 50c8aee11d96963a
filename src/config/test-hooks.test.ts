import { describe, expect, it } from "vitest";
import { activeTestHooks, readTestHooks } from "./test-hooks.js";

const ALL = {
  SWITCHYARD_TEST_CLOCK_OFFSET_MS: "-30000",
  SWITCHYARD_TEST_BUDGET_WINDOW_MS: "2000",
  SWITCHYARD_TEST_SETTLE_REPLAYS: "2",
  SWITCHYARD_TEST_NAIVE_LIMITER: "1",
};

describe("test-only hooks", () => {
  it("are all off outside NODE_ENV=test, whatever SWITCHYARD_TEST_* variables are set", () => {
    for (const nodeEnv of [undefined, "production", "development", "TEST"]) {
      const hooks = readTestHooks({ ...ALL, NODE_ENV: nodeEnv });
      expect(hooks).toEqual({
        clockOffsetMs: 0,
        budgetWindowMs: undefined,
        settleReplays: 0,
        naiveLimiter: false,
      });
      expect(activeTestHooks(hooks)).toEqual([]);
    }
  });

  it("are read under NODE_ENV=test, and named in the start-up warning", () => {
    const hooks = readTestHooks({ ...ALL, NODE_ENV: "test" });
    expect(hooks).toEqual({
      clockOffsetMs: -30_000,
      budgetWindowMs: 2000,
      settleReplays: 2,
      naiveLimiter: true,
    });
    expect(activeTestHooks(hooks)).toEqual([
      "SWITCHYARD_TEST_CLOCK_OFFSET_MS=-30000",
      "SWITCHYARD_TEST_BUDGET_WINDOW_MS=2000",
      "SWITCHYARD_TEST_SETTLE_REPLAYS=2",
      "SWITCHYARD_TEST_NAIVE_LIMITER=1",
    ]);
  });

  it("ignores values that are not whole numbers in range", () => {
    const hooks = readTestHooks({
      NODE_ENV: "test",
      SWITCHYARD_TEST_CLOCK_OFFSET_MS: "soon",
      SWITCHYARD_TEST_BUDGET_WINDOW_MS: "5",
      SWITCHYARD_TEST_SETTLE_REPLAYS: "1.5",
    });
    expect(hooks).toEqual({
      clockOffsetMs: 0,
      budgetWindowMs: undefined,
      settleReplays: 0,
      naiveLimiter: false,
    });
  });
});
