import { describe, expect, it } from "vitest";
import { bucketsOf, bucketTime, RANGES } from "../../ui/src/usage/usage-ranges.js";
import { formatUsd, nanoOf, rollUp, total } from "../../ui/src/usage/usage-rollup.js";
import type { UsageRow } from "../../ui/src/usage/usage-wire.js";

/** The usage page's arithmetic, which runs in the browser: its time buckets and sums of the usage API's rows. */

const row = (
  hour: string,
  key: string | null,
  group: string | null,
  cost: number,
  unpriced = 0,
): UsageRow => ({
  hour,
  key,
  group,
  requests: 2 + unpriced,
  input_tokens: 10,
  output_tokens: 5,
  cost_nano_usd: cost,
  cost_usd: String(cost / 1e9),
  unpriced_requests: unpriced,
});

describe("the usage page's time ranges", () => {
  const now = new Date("2026-12-04T22:30:00Z");
  const range = (id: string) => RANGES.find((entry) => entry.id === id) as (typeof RANGES)[number];

  it("read the last hour as the hour buckets holding the last 60 minutes, and days as UTC days", () => {
    expect(bucketsOf(range("1h"), now)).toEqual(["2026-12-04T21:00:00Z", "2026-12-04T22:00:00Z"]);
    const day = bucketsOf(range("24h"), now);
    expect(day).toHaveLength(24);
    expect(day[0]).toBe("2026-12-03T23:00:00Z");
    expect(bucketsOf(range("7d"), now)).toEqual([
      "2026-11-28",
      "2026-11-29",
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
    ]);
  });

  it("place a bucket at its middle on the chart", () => {
    expect(bucketTime("2026-12-04T22:00:00Z")).toBe(Date.parse("2026-12-04T22:30:00Z") / 1000);
    expect(bucketTime("2026-12-04")).toBe(Date.parse("2026-12-04T12:00:00Z") / 1000);
  });
});

describe("usage sums", () => {
  const rows = [
    row("2026-12-04T21:00:00Z", "keyA", "search", 1_500_000),
    row("2026-12-04T22:00:00Z", "keyA", "search", 2_000_000),
    row("2026-12-04T22:00:00Z", "keyB", "search", 0, 3),
    row("2026-12-04T22:00:00Z", null, null, 500_000),
  ];

  it("by one dimension with each bucket's sums, largest spend first, unpriced apart", () => {
    const byKey = rollUp(rows, "key");
    expect(byKey.map((entry) => [entry.name, entry.costNano, entry.unpriced])).toEqual([
      ["keyA", 3_500_000, 0],
      ["", 500_000, 0],
      ["keyB", 0, 3],
    ]);
    expect(byKey[0]?.buckets.get("2026-12-04T22:00:00Z")?.costNano).toBe(2_000_000);
    expect(rollUp(rows, "group").map((entry) => [entry.name, entry.requests])).toEqual([
      ["search", 9],
      ["", 2],
    ]);
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
    expect(formatUsd(-250_000_000)).toBe("-$0.25");
  });

  it("reads USD strings exactly", () => {
    expect(nanoOf("0.000000001")).toBe(1);
    expect(nanoOf("12.5")).toBe(12_500_000_000);
    expect(nanoOf("-0.25")).toBe(-250_000_000);
    expect(nanoOf(3)).toBe(3_000_000_000);
  });
});
