import { describe, expect, it } from "vitest";
import { type BudgetLine, consumption, nanoOf } from "../../ui/src/usage/budget-consumption.js";
import { budgetWindow, countableFromDays } from "../../ui/src/usage/budget-window.js";
import { formatUsd, rollUp, total } from "../../ui/src/usage/usage-rollup.js";
import type { UsageRow } from "../../ui/src/usage/usage-wire.js";

/** The usage page's arithmetic, which runs in the browser: budget windows and sums of the usage API's rows. */

const row = (
  day: string,
  key: string | null,
  route: string,
  model: string,
  cost: number,
  unpriced = 0,
): UsageRow => ({
  day,
  key,
  route,
  model,
  requests: 2 + unpriced,
  input_tokens: 10,
  output_tokens: 5,
  cost_nano_usd: cost,
  cost_usd: String(cost / 1e9),
  unpriced_requests: unpriced,
});

describe("budget windows", () => {
  const now = new Date("2026-12-04T22:30:00Z"); // a Friday

  it("are calendar periods in UTC by default: hour, day, week from Monday, month", () => {
    const at = (period: "hour" | "day" | "week" | "month") => {
      const window = budgetWindow({ amount_usd: "1", period }, now);
      return [window.start.toISOString(), window.reset.toISOString()];
    };
    expect(at("hour")).toEqual(["2026-12-04T22:00:00.000Z", "2026-12-04T23:00:00.000Z"]);
    expect(at("day")).toEqual(["2026-12-04T00:00:00.000Z", "2026-12-05T00:00:00.000Z"]);
    expect(at("week")).toEqual(["2026-11-30T00:00:00.000Z", "2026-12-07T00:00:00.000Z"]);
    expect(at("month")).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });

  it("follow their time zone, daylight saving included", () => {
    // 23:30 in Berlin (UTC+1 in December): the Berlin day began at 23:00 UTC the day before.
    const berlin = budgetWindow({ amount_usd: "1", period: "day", tz: "Europe/Berlin" }, now);
    expect(berlin.start.toISOString()).toBe("2026-12-03T23:00:00.000Z");
    expect(berlin.reset.toISOString()).toBe("2026-12-04T23:00:00.000Z");
    // A New York month that starts in summer time (UTC-4) and ends in winter time (UTC-5).
    const october = budgetWindow(
      { amount_usd: "1", period: "month", tz: "America/New_York" },
      new Date("2026-10-15T12:00:00Z"),
    );
    expect(october.start.toISOString()).toBe("2026-10-01T04:00:00.000Z");
    expect(october.reset.toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(countableFromDays({ amount_usd: "1", period: "day", tz: "Europe/Berlin" })).toBe(false);
    expect(countableFromDays({ amount_usd: "1", period: "hour" })).toBe(false);
    expect(countableFromDays({ amount_usd: "1", period: "month" })).toBe(true);
  });
});

describe("usage sums", () => {
  const rows = [
    row("2026-12-03", "keyA", "chat", "gpt-a", 1_500_000),
    row("2026-12-04", "keyA", "chat", "gpt-a", 2_000_000),
    row("2026-12-04", "keyB", "embed", "emb", 0, 3),
    row("2026-12-04", null, "chat", "gpt-a", 500_000),
  ];

  it("by key, by group (a key's group), by route and by model, largest spend first, unpriced apart", () => {
    const groups = new Map<string, string | null>([
      ["keyA", "search"],
      ["keyB", "search"],
    ]);
    const byKey = rollUp(rows, "key", groups);
    expect(byKey.map((entry) => [entry.name, entry.costNano, entry.unpriced])).toEqual([
      ["keyA", 3_500_000, 0],
      ["", 500_000, 0],
      ["keyB", 0, 3],
    ]);
    expect(byKey[0]?.days.get("2026-12-04")?.costNano).toBe(2_000_000);
    expect(rollUp(rows, "group", groups).map((entry) => [entry.name, entry.requests])).toEqual([
      ["search", 9],
      ["", 2],
    ]);
    expect(rollUp(rows, "model", groups).map((entry) => entry.name)).toEqual(["gpt-a", "emb"]);
    expect(total(rows)).toEqual({
      requests: 11,
      inputTokens: 40,
      outputTokens: 20,
      costNano: 4_000_000,
      unpriced: 3,
    });
  });

  it("shows USD without float noise", () => {
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(4_000_000)).toBe("$0.004");
    expect(formatUsd(12_345_678_900)).toBe("$12.3457");
    expect(formatUsd(123_450_000_000)).toBe("$123.45");
  });
});

describe("a budget's consumption", () => {
  const now = new Date("2026-12-04T22:30:00Z");
  const line = (budget: BudgetLine["budget"]): BudgetLine => ({
    scope: "group",
    id: "search",
    label: "search",
    budget,
    keys: ["keyA", "keyB"],
  });
  const rows = [
    row("2026-11-30", "keyA", "chat", "gpt-a", 7_000_000),
    row("2026-12-04", "keyA", "chat", "gpt-a", 2_000_000),
    row("2026-12-04", "keyB", "chat", "gpt-a", 1_000_000, 1),
    row("2026-12-04", "keyC", "chat", "gpt-a", 9_000_000),
  ];

  it("is the limit store's figure when a member key's quota has it, any period or zone", () => {
    const quotas = new Map([
      [
        "keyB",
        [
          {
            scope: "group" as const,
            id: "search",
            name: "hour",
            kind: "budget" as const,
            amount_usd: "1.5",
            remaining: "1.250000001",
            reset_at: "2026-12-04T23:00:00.000Z",
          },
        ],
      ],
    ]);
    const used = consumption(line({ amount_usd: "1.5", period: "hour" }), now, rows, quotas);
    expect(used).toMatchObject({ spentNano: 249_999_999, source: "limit store" });
    expect(used.reset.toISOString()).toBe("2026-12-04T23:00:00.000Z");
  });

  it("else the sum of its members' days in the window, where UTC days cover it; else unknown", () => {
    const none = new Map();
    expect(consumption(line({ amount_usd: "5", period: "day" }), now, rows, none)).toMatchObject({
      spentNano: 3_000_000,
      unpriced: 1,
      source: "daily usage",
    });
    expect(consumption(line({ amount_usd: "5", period: "week" }), now, rows, none).spentNano).toBe(
      10_000_000,
    );
    expect(consumption(line({ amount_usd: "5", period: "hour" }), now, rows, none)).toMatchObject({
      spentNano: null,
      source: null,
    });
  });

  it("reads USD strings exactly", () => {
    expect(nanoOf("0.000000001")).toBe(1);
    expect(nanoOf("12.5")).toBe(12_500_000_000);
    expect(nanoOf("-0.25")).toBe(-250_000_000);
    expect(nanoOf(3)).toBe(3_000_000_000);
  });
});
