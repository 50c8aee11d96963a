import { nanoToUsd } from "../config/governance/limit-blocks.js";
import { windowInWords } from "./denial.js";
import type { LimitSpec, LimitState } from "./limits/limit-spec.js";

/** One limit or budget as `/v1/me` shows it: what it is, and how much of it is left now. */
export interface QuotaEntry {
  scope: string;
  id: string;
  name: string;
  kind: "rate" | "concurrency" | "budget";
  /** Rates: `requests` or `tokens`. */
  unit?: "requests" | "tokens";
  /** Rates and concurrency: the size; budgets: `amount_usd`. */
  limit?: number;
  per?: string;
  amount_usd?: string;
  action?: "reject" | "alert";
  /** Units (rates, concurrency) or USD as a decimal string (budgets); null when the store could not say. */
  remaining: number | string | null;
  /** When the limit is whole again (rates), the window ends (budgets), or the next lease frees. */
  reset_at: string | null;
}

/** The specs' states (from the store's `quota`) as `/v1/me` entries. */
export function quotaEntries(
  specs: readonly LimitSpec[],
  states: readonly (LimitState | undefined)[],
  nowMs: number,
): QuotaEntry[] {
  return specs.map((spec, index) => {
    const state = states[index];
    const base: Pick<QuotaEntry, "scope" | "id" | "name" | "reset_at"> = {
      scope: spec.label.scope,
      id: spec.label.id,
      name: spec.label.name,
      reset_at: state === undefined ? null : new Date(nowMs + state.resetMs).toISOString(),
    };
    if (spec.kind === "rate") {
      return {
        ...base,
        kind: "rate",
        unit: spec.unit,
        limit: spec.limit,
        per: windowInWords(spec.windowMs),
        remaining: state?.remaining ?? null,
      };
    }
    if (spec.kind === "concurrency")
      return { ...base, kind: "concurrency", limit: spec.max, remaining: state?.remaining ?? null };
    // The store measured the reset from its own clock, a moment after `nowMs`: the window's end is the calendar
    // boundary nearest to it (boundaries are hours apart at least), not a millisecond before midnight.
    if (state !== undefined)
      base.reset_at = new Date(nearest(spec.boundaries, nowMs + state.resetMs)).toISOString();
    return {
      ...base,
      kind: "budget",
      amount_usd: nanoToUsd(spec.amountNano),
      action: spec.action,
      remaining: state === undefined ? null : nanoToUsd(state.remaining),
    };
  });
}

function nearest(boundaries: readonly number[], atMs: number): number {
  let best: number | undefined;
  for (const boundary of boundaries)
    if (best === undefined || Math.abs(boundary - atMs) < Math.abs(best - atMs)) best = boundary;
  return best ?? atMs;
}
