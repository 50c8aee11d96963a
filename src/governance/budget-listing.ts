import { type Budget, nanoToUsd, toBudgets } from "../config/governance/limit-blocks.js";
import type { Governor } from "./governor.js";
import { ScopeLimits } from "./limit-plan.js";
import type { BudgetSpec, LimitState } from "./limits/limit-spec.js";
import type { GroupRecord, KeyRecord, OrgRecord } from "./objects/governance-records.js";
import type { RouteGovernance, TableGovernance } from "./route-governance.js";

export type BudgetScope = "global" | "route" | "org" | "group" | "key";
export const BUDGET_SCOPES: readonly BudgetScope[] = ["global", "route", "org", "group", "key"];

/** One configured budget: where it is set, and the budget. */
export interface BudgetLine {
  scope: BudgetScope;
  /** The route, org, group or key id; "" for the gateway's. */
  id: string;
  alias?: string | null;
  budget: Budget;
}

/** A budget as the admin's list shows it: the budget, and its current window with what it has spent. */
export interface BudgetView {
  scope: BudgetScope;
  id: string;
  alias?: string | null;
  name: string;
  amount_usd: string;
  period: Budget["period"];
  tz: string;
  action: Budget["action"];
  /**
   * Spent in the current window as the limit store counts it, calls in flight included at their reservation
   * (USD, decimal string; at most the amount); null when the store cannot say.
   */
  spent_usd: string | null;
  /** What is left (0 once used up); null when the store cannot say. */
  remaining_usd: string | null;
  window_start: string;
  /** When the window ends and the budget is whole again. */
  reset_at: string;
}

const NO_LIMITS = { rates: [], concurrency: null };

/**
 * Every budget the gateway enforces: the gateway's (`governance.budgets`), each route's, and each org's, group's
 * and live key's (revoked and deleted keys spend nothing), in that order. Nothing is read from the limit store.
 */
export function budgetLines(
  table: TableGovernance,
  routes: readonly RouteGovernance[],
  records: { keys: readonly KeyRecord[]; groups: readonly GroupRecord[]; orgs: readonly OrgRecord[] },
): BudgetLine[] {
  const lines: BudgetLine[] = [];
  for (const budget of table.global.budgetSpecs(Date.now()).map((entry) => entry.budget))
    lines.push({ scope: "global", id: "", budget });
  for (const route of routes)
    for (const budget of route.config.budgets) lines.push({ scope: "route", id: route.routeName, budget });
  const own = (scope: "org" | "group" | "key", record: OrgRecord | GroupRecord | KeyRecord) => {
    for (const budget of toBudgets(record.budgets ?? undefined).budgets)
      lines.push({
        scope,
        id: record.id,
        ...(scope === "key" ? { alias: (record as KeyRecord).alias } : {}),
        budget,
      });
  };
  for (const org of records.orgs) own("org", org);
  for (const group of records.groups) own("group", group);
  for (const key of records.keys) if (key.status === "active" || key.status === "disabled") own("key", key);
  return lines;
}

/**
 * Some budgets with their current window and consumption, read from the limit store in one call through the
 * governor (what `/v1/me` reads; nothing is reserved). `stateKnown` is false when the store could not say.
 */
export async function budgetViews(
  lines: readonly BudgetLine[],
  governor: Governor | undefined,
  nowMs = Date.now(),
): Promise<{ views: BudgetView[]; stateKnown: boolean }> {
  // The same counter the request path charges: a spec's key depends only on the scope, id and budget name.
  const specs = lines.map(
    (line) =>
      new ScopeLimits(line.scope, line.id, NO_LIMITS, [line.budget]).budgetSpecs(nowMs)[0]
        ?.spec as BudgetSpec,
  );
  let states: (LimitState | undefined)[] = [];
  let stateKnown = governor !== undefined;
  if (governor !== undefined) {
    try {
      states = await governor.budgetStates(specs);
    } catch {
      stateKnown = false;
    }
  }
  const views = lines.map((line, index): BudgetView => {
    const { budget } = line;
    const boundaries = (specs[index] as BudgetSpec).boundaries;
    const state = states[index];
    return {
      scope: line.scope,
      id: line.id,
      ...(line.alias === undefined ? {} : { alias: line.alias }),
      name: budget.name,
      amount_usd: nanoToUsd(budget.amountNanoUsd),
      period: budget.period,
      tz: budget.tz,
      action: budget.action,
      spent_usd: state === undefined ? null : nanoToUsd(budget.amountNanoUsd - state.remaining),
      remaining_usd: state === undefined ? null : nanoToUsd(state.remaining),
      window_start: new Date(boundaries[1] ?? nowMs).toISOString(),
      reset_at: new Date(boundaries[2] ?? nowMs).toISOString(),
    };
  });
  return { views, stateKnown };
}
