import { describe, expect, it } from "vitest";
import type { BudgetSpec } from "./limits/limit-spec.js";
import { quotaEntries } from "./quota-view.js";

const DAY = 86_400_000;
const MIDNIGHT = Date.parse("2026-12-06T00:00:00.000Z");
const budget: BudgetSpec = {
  kind: "budget",
  key: "bud:group:search:day",
  label: { scope: "group", id: "search", name: "day" },
  amountNano: 30_000_000,
  action: "reject",
  alertAt: [],
  boundaries: [MIDNIGHT - 2 * DAY, MIDNIGHT - DAY, MIDNIGHT, MIDNIGHT + DAY],
};

describe("a budget's live quota", () => {
  it("resets at its window's end, though the store measured the time left a moment after the caller's now", () => {
    const nowMs = MIDNIGHT - 3_600_000;
    // The store read its clock 1 ms after `nowMs`: 1 ms less left.
    const [entry] = quotaEntries([budget], [{ remaining: 10_000_000, resetMs: 3_600_000 - 1 }], nowMs);
    expect(entry).toMatchObject({ kind: "budget", remaining: "0.01", reset_at: "2026-12-06T00:00:00.000Z" });
  });

  it("says nothing of the reset when the store could not answer", () => {
    const [entry] = quotaEntries([budget], [undefined], MIDNIGHT - 1000);
    expect(entry).toMatchObject({ remaining: null, reset_at: null });
  });
});
