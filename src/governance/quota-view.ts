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
    const base = {
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
    return {
      ...base,
      kind: "budget",
      amount_usd: nanoToUsd(spec.amountNano),
      action: spec.action,
      remaining: state === undefined ? null : nanoToUsd(state.remaining),
    };
  });
}
