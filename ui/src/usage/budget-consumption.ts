import type { GroupView, KeyView, OrgView } from "../admin/admin-wire.js";
import { type BudgetBlock, budgetWindow, countableFromDays } from "./budget-window.js";
import type { UsageRow } from "./usage-wire.js";

/** One entry of a key's live quota (`GET /admin/v1/keys/{id}/quota`), as `/v1/me` shows it. */
export interface QuotaEntry {
  scope: "key" | "group" | "org" | "global";
  id: string;
  name: string;
  kind: "rate" | "concurrency" | "budget";
  amount_usd?: string;
  /** USD left, as a decimal string, for budgets; null when the limit store could not say. */
  remaining: number | string | null;
  reset_at: string | null;
}

export interface BudgetLine {
  scope: "key" | "group" | "org";
  id: string;
  label: string;
  budget: BudgetBlock;
  /** The keys whose calls count against it. */
  keys: string[];
}

export interface Consumption {
  /** Spent in the current window, nano-USD; null when neither source can say. */
  spentNano: number | null;
  /** Calls of the window without a price (from the daily aggregates only). */
  unpriced: number;
  reset: Date;
  source: "limit store" | "daily usage" | null;
}

/** Every budget set on a key, group or org, with the keys whose calls count against it. */
export function budgetLines(keys: KeyView[], groups: GroupView[], orgs: OrgView[]): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const keysOfGroup = (group: string): string[] =>
    keys.filter((key) => key.group === group).map((key) => key.id);
  const budgetsOf = (record: { budgets: unknown }): BudgetBlock[] =>
    Array.isArray(record.budgets) ? (record.budgets as BudgetBlock[]) : [];
  for (const key of keys)
    for (const budget of budgetsOf(key))
      lines.push({ scope: "key", id: key.id, label: key.alias ?? key.id, budget, keys: [key.id] });
  for (const group of groups)
    for (const budget of budgetsOf(group))
      lines.push({ scope: "group", id: group.id, label: group.id, budget, keys: keysOfGroup(group.id) });
  for (const org of orgs) {
    const members = groups.filter((group) => group.org === org.id).flatMap((group) => keysOfGroup(group.id));
    for (const budget of budgetsOf(org))
      lines.push({ scope: "org", id: org.id, label: org.id, budget, keys: members });
  }
  return lines;
}

/**
 * What a budget's current window has spent: the limit store's own figure when a member key's quota has it
 * (exact, any period and time zone), else the sum of the daily usage aggregates where UTC days cover the window
 * exactly, else unknown.
 */
export function consumption(
  line: BudgetLine,
  now: Date,
  rows: readonly UsageRow[] | null,
  quotas: ReadonlyMap<string, QuotaEntry[]>,
): Consumption {
  const window = budgetWindow(line.budget, now);
  const name = line.budget.name ?? line.budget.period;
  for (const key of line.keys) {
    const entry = quotas
      .get(key)
      ?.find(
        (candidate) =>
          candidate.kind === "budget" &&
          candidate.scope === line.scope &&
          candidate.id === line.id &&
          candidate.name === name,
      );
    if (entry === undefined || entry.remaining === null) continue;
    const amount = nanoOf(entry.amount_usd ?? line.budget.amount_usd);
    return {
      spentNano: amount - nanoOf(entry.remaining),
      unpriced: 0,
      reset: entry.reset_at === null ? window.reset : new Date(entry.reset_at),
      source: "limit store",
    };
  }
  if (rows === null || !countableFromDays(line.budget))
    return { spentNano: null, unpriced: 0, reset: window.reset, source: null };
  const first = window.start.toISOString().slice(0, 10);
  const members = new Set(line.keys);
  let spentNano = 0;
  let unpriced = 0;
  for (const row of rows)
    if ((row.day ?? "") >= first && members.has(row.key ?? "")) {
      spentNano += row.cost_nano_usd;
      unpriced += row.unpriced_requests;
    }
  return { spentNano, unpriced, reset: window.reset, source: "daily usage" };
}

/** A decimal USD string as integer nano-USD, without going through a float's rounding for 9 decimals. */
export function nanoOf(usd: string | number): number {
  const text = typeof usd === "number" ? usd.toFixed(9) : usd.trim();
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^[-+]/, "").split(".");
  const nano = Number(whole) * 1e9 + Number(fraction.padEnd(9, "0").slice(0, 9));
  return negative ? -nano : nano;
}
