import type { UsageRow } from "./usage-wire.js";

export type UsageDimension = "key" | "group" | "route" | "model";

/** Sums of some usage rows. */
export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNano: number;
  unpriced: number;
}

export interface UsageEntry extends UsageTotals {
  /** The key id, group id, route or model; "" for calls without a key (or a key without a group). */
  name: string;
  /** Per day (UTC), for the chart. */
  days: Map<string, UsageTotals>;
}

export function emptyTotals(): UsageTotals {
  return { requests: 0, inputTokens: 0, outputTokens: 0, costNano: 0, unpriced: 0 };
}

function add(totals: UsageTotals, row: UsageRow): void {
  totals.requests += row.requests;
  totals.inputTokens += row.input_tokens;
  totals.outputTokens += row.output_tokens;
  totals.costNano += row.cost_nano_usd;
  totals.unpriced += row.unpriced_requests;
}

/**
 * Rows of the usage API (by day, key, route and model) summed by one dimension. A group is its keys' sum: the
 * API counts by key, and each key belongs to at most one group. Sorted by cost, then requests.
 */
export function rollUp(
  rows: readonly UsageRow[],
  dimension: UsageDimension,
  groupOfKey: ReadonlyMap<string, string | null>,
): UsageEntry[] {
  const entries = new Map<string, UsageEntry>();
  for (const row of rows) {
    const name =
      dimension === "group"
        ? (groupOfKey.get(row.key ?? "") ?? "")
        : dimension === "key"
          ? (row.key ?? "")
          : (row[dimension] ?? "");
    let entry = entries.get(name);
    if (entry === undefined) {
      entry = { name, ...emptyTotals(), days: new Map() };
      entries.set(name, entry);
    }
    add(entry, row);
    const day = row.day ?? "";
    let daily = entry.days.get(day);
    if (daily === undefined) {
      daily = emptyTotals();
      entry.days.set(day, daily);
    }
    add(daily, row);
  }
  return [...entries.values()].sort((a, b) => b.costNano - a.costNano || b.requests - a.requests);
}

export function total(rows: readonly UsageRow[]): UsageTotals {
  const sum = emptyTotals();
  for (const row of rows) add(sum, row);
  return sum;
}

/** USD from nano-USD, exact to the cent below a dollar's fractions that matter (up to 6 decimals). */
export function formatUsd(nano: number): string {
  const usd = nano / 1e9;
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toFixed(6).replace(/0+$/, "")}`;
  return `$${usd.toFixed(usd < 100 ? 4 : 2).replace(/\.?0+$/, "")}`;
}

/** The UTC day `days` before `now` (0: today), as the usage API takes it. */
export function utcDay(now: Date, daysBefore: number): string {
  return new Date(now.getTime() - daysBefore * 86_400_000).toISOString().slice(0, 10);
}
