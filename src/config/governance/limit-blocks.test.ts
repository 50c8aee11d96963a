import { describe, expect, it } from "vitest";
import { budgetsSchema, limitsSchema, nanoToUsd, toBudgets, toLimits, usdToNano } from "./limit-blocks.js";

describe("limits and budgets blocks", () => {
  it("normalises the short and long forms of rate limits, with windows and bursts", () => {
    const block = limitsSchema.parse({ rpm: 60, tpm: { limit: 100_000, burst: 20_000 }, concurrency: 4 });
    expect(toLimits(block)).toEqual({
      rates: [
        { name: "rpm", unit: "requests", limit: 60, windowMs: 60_000, burst: 60 },
        { name: "tpm", unit: "tokens", limit: 100_000, windowMs: 60_000, burst: 20_000 },
      ],
      concurrency: 4,
    });
    expect(toLimits(undefined)).toEqual({ rates: [], concurrency: null });
  });

  it("refuses zero, negative and fractional limits, and unknown names", () => {
    for (const bad of [
      { rpm: 0 },
      { rpm: -1 },
      { tpm: 1.5 },
      { rps: 3 },
      { rpm: { limit: 5, window: "1m" } },
    ])
      expect(limitsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it("keeps money exact in integer nano-USD, both ways", () => {
    expect(usdToNano(20)).toBe(20_000_000_000);
    expect(usdToNano("0.50")).toBe(500_000_000);
    expect(usdToNano("0.000000001")).toBe(1);
    expect(usdToNano(0.1)).toBe(100_000_000);
    expect(usdToNano("1e3")).toBeUndefined();
    expect(usdToNano("-1")).toBeUndefined();
    expect(usdToNano("0.0000000001")).toBeUndefined();
    expect(nanoToUsd(1_500_000_000)).toBe("1.5");
    expect(nanoToUsd(1)).toBe("0.000000001");
    expect(nanoToUsd(-250_000_000)).toBe("-0.25");
    expect(nanoToUsd(0)).toBe("0");
    expect(nanoToUsd(8_550)).toBe("0.00000855");
    expect(nanoToUsd(12_000_000_010)).toBe("12.00000001");
    expect(nanoToUsd(7_000_000_000)).toBe("7");
    expect(nanoToUsd(-1)).toBe("-0.000000001");
  });

  it("defaults a budget's name, zone, action and alert threshold, and finds repeated names", () => {
    const list = budgetsSchema.parse([
      { amount_usd: "20", period: "day" },
      { amount_usd: 500, period: "month", tz: "Europe/Berlin", action: "alert", alert_at: [0.8, 1] },
      { amount_usd: 1, period: "day" },
    ]);
    const { budgets, duplicateNames } = toBudgets(list);
    expect(budgets[0]).toEqual({
      name: "day",
      amountNanoUsd: 20e9,
      period: "day",
      tz: "UTC",
      action: "reject",
      alertAt: [1],
    });
    expect(budgets[1]).toMatchObject({
      name: "month",
      tz: "Europe/Berlin",
      action: "alert",
      alertAt: [0.8, 1],
    });
    expect(duplicateNames).toEqual([2]);
  });

  it("refuses unknown time zones, periods and amounts", () => {
    for (const bad of [
      { amount_usd: 1, period: "day", tz: "Mars/Olympus" },
      { amount_usd: 1, period: "fortnight" },
      { amount_usd: -5, period: "day" },
      { amount_usd: "ten", period: "day" },
      { amount_usd: 10_000_000, period: "day" },
    ])
      expect(budgetsSchema.safeParse([bad]).success, JSON.stringify(bad)).toBe(false);
  });
});
