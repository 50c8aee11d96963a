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
  /** Per time bucket (a UTC day, or an hour's first instant), for the charts. */
  buckets: Map<string, UsageTotals>;
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
 * Rows of the usage API (grouped by a time bucket and one dimension) summed by that dimension, with each
 * bucket's sums for the charts. Sorted by cost, then requests.
 */
export function rollUp(rows: readonly UsageRow[], dimension: UsageDimension): UsageEntry[] {
  const entries = new Map<string, UsageEntry>();
  for (const row of rows) {
    const name = row[dimension] ?? "";
    let entry = entries.get(name);
    if (entry === undefined) {
      entry = { name, ...emptyTotals(), buckets: new Map() };
      entries.set(name, entry);
    }
    add(entry, row);
    const bucket = row.hour ?? row.day ?? "";
    let sums = entry.buckets.get(bucket);
    if (sums === undefined) {
      sums = emptyTotals();
      entry.buckets.set(bucket, sums);
    }
    add(sums, row);
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
  const sign = usd < 0 ? "-" : "";
  const size = Math.abs(usd);
  if (size < 0.01) return `${sign}$${size.toFixed(6).replace(/0+$/, "")}`;
  return `${sign}$${size.toFixed(size < 100 ? 4 : 2).replace(/\.?0+$/, "")}`;
}

/** A decimal USD string as integer nano-USD, without going through a float's rounding for 9 decimals. */
export function nanoOf(usd: string | number): number {
  const text = typeof usd === "number" ? usd.toFixed(9) : usd.trim();
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^[-+]/, "").split(".");
  const nano = Number(whole) * 1e9 + Number(fraction.padEnd(9, "0").slice(0, 9));
  return negative ? -nano : nano;
}
