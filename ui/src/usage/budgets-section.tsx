import { useEffect, useState } from "preact/hooks";
import type { GroupView, KeyView, OrgView } from "../admin/admin-wire.js";
import { type BudgetBlock, budgetWindow, countableFromDays } from "./budget-window.js";
import { readUsage } from "./usage-client.js";
import { formatUsd, utcDay } from "./usage-rollup.js";
import type { UsageRow } from "./usage-wire.js";

interface Props {
  keys: KeyView[];
  groups: GroupView[];
  orgs: OrgView[];
}

interface BudgetLine {
  scope: "key" | "group" | "org";
  id: string;
  label: string;
  budget: BudgetBlock;
  /** The keys whose calls count against it. */
  keys: Set<string>;
}

/** Every budget on a key, group or org, with what its current window has spent and when it resets. */
export function BudgetsSection({ keys, groups, orgs }: Props) {
  const [rows, setRows] = useState<UsageRow[] | null>(null);
  const [now] = useState(() => new Date());
  const lines = budgetLines(keys, groups, orgs);
  // A month is the longest window: its first day is the earliest the sums need.
  const from = utcDay(now, now.getUTCDate() - 1 + 7);
  useEffect(() => {
    if (lines.length === 0) return;
    readUsage(from, utcDay(now, 0), "day,key").then(
      (answer) => setRows(answer.data),
      () => setRows([]),
    );
  }, [lines.length, from]);

  return (
    <section id="budgets">
      <h2>Budgets</h2>
      {lines.length === 0 ? (
        <p class="muted">No key, group or org has a budget. Set one on the Keys page ("Budgets").</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>On</th>
              <th>Budget</th>
              <th>Spent this window</th>
              <th>Resets</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const window = budgetWindow(line.budget, now);
              const amountNano = Math.round(Number(line.budget.amount_usd) * 1e9);
              const spent =
                countableFromDays(line.budget) && rows !== null
                  ? spentIn(rows, line.keys, window.start)
                  : null;
              const share = spent === null || amountNano === 0 ? null : Math.min(1, spent.nano / amountNano);
              return (
                <tr
                  key={`${line.scope}-${line.id}-${line.budget.name ?? line.budget.period}`}
                  data-budget={`${line.scope}:${line.id}`}
                >
                  <td>
                    {line.scope} <b>{line.label}</b>
                  </td>
                  <td>
                    ${String(line.budget.amount_usd)} per {line.budget.period}
                    {line.budget.tz !== undefined && line.budget.tz !== "UTC" && ` (${line.budget.tz})`}
                    {line.budget.action === "alert" && <span class="muted"> · alert only</span>}
                  </td>
                  <td data-field="spent" data-nano={spent?.nano}>
                    {spent === null ? (
                      <span class="muted">
                        {rows === null
                          ? "…"
                          : "not in the daily aggregates (an hour, or a window off UTC days)"}
                      </span>
                    ) : (
                      <>
                        {formatUsd(spent.nano)} ({Math.round((share ?? 0) * 100)}%)
                        {spent.unpriced > 0 && <span class="muted"> + {spent.unpriced} unpriced calls</span>}
                        <div class="meter">
                          <div
                            class={share !== null && share >= 1 ? "full" : ""}
                            style={{ width: `${(share ?? 0) * 100}%` }}
                          />
                        </div>
                      </>
                    )}
                  </td>
                  <td data-field="reset" data-reset={window.reset.toISOString()}>
                    {window.reset.toLocaleString()}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function budgetLines(keys: KeyView[], groups: GroupView[], orgs: OrgView[]): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const keysOfGroup = (group: string): Set<string> =>
    new Set(keys.filter((key) => key.group === group).map((key) => key.id));
  for (const key of keys)
    for (const budget of (key.budgets ?? []) as unknown as BudgetBlock[])
      lines.push({ scope: "key", id: key.id, label: key.alias ?? key.id, budget, keys: new Set([key.id]) });
  for (const group of groups)
    for (const budget of (group.budgets ?? []) as unknown as BudgetBlock[])
      lines.push({ scope: "group", id: group.id, label: group.id, budget, keys: keysOfGroup(group.id) });
  for (const org of orgs) {
    const members = new Set<string>();
    for (const group of groups)
      if (group.org === org.id) for (const key of keysOfGroup(group.id)) members.add(key);
    for (const budget of (org.budgets ?? []) as unknown as BudgetBlock[])
      lines.push({ scope: "org", id: org.id, label: org.id, budget, keys: members });
  }
  return lines;
}

function spentIn(rows: UsageRow[], keys: Set<string>, start: Date): { nano: number; unpriced: number } {
  const first = start.toISOString().slice(0, 10);
  let nano = 0;
  let unpriced = 0;
  for (const row of rows)
    if ((row.day ?? "") >= first && keys.has(row.key ?? "")) {
      nano += row.cost_nano_usd;
      unpriced += row.unpriced_requests;
    }
  return { nano, unpriced };
}
