import { useEffect, useState } from "preact/hooks";
import type { GroupView, KeyView, OrgView } from "../admin/admin-wire.js";
import { type BudgetLine, budgetLines, consumption, nanoOf, type QuotaEntry } from "./budget-consumption.js";
import { readUsage } from "./usage-client.js";
import { formatUsd, utcDay } from "./usage-rollup.js";
import type { UsageRow } from "./usage-wire.js";

interface Props {
  keys: KeyView[];
  groups: GroupView[];
  orgs: OrgView[];
  /** Live quotas by key id, when the gateway can give them. */
  quotas?: ReadonlyMap<string, QuotaEntry[]>;
}

const NO_QUOTAS: ReadonlyMap<string, QuotaEntry[]> = new Map();

/** Every budget on a key, group or org, with what its current window has spent and when it resets. */
export function BudgetsSection({ keys, groups, orgs, quotas = NO_QUOTAS }: Props) {
  const [rows, setRows] = useState<UsageRow[] | null>(null);
  const [now] = useState(() => new Date());
  const lines = budgetLines(keys, groups, orgs);
  // A month is the longest window (a week may begin in the month before): the sums need no earlier day.
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
            {lines.map((line) => (
              <BudgetRow
                key={`${line.scope}-${line.id}-${line.budget.name ?? line.budget.period}`}
                line={line}
                used={consumption(line, now, rows, quotas)}
                loading={rows === null}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BudgetRow({
  line,
  used,
  loading,
}: {
  line: BudgetLine;
  used: ReturnType<typeof consumption>;
  loading: boolean;
}) {
  const amountNano = nanoOf(line.budget.amount_usd);
  const share = used.spentNano === null || amountNano === 0 ? null : Math.max(0, used.spentNano / amountNano);
  return (
    <tr data-budget={`${line.scope}:${line.id}`}>
      <td>
        {line.scope} <b>{line.label}</b>
      </td>
      <td>
        ${String(line.budget.amount_usd)} per {line.budget.period}
        {line.budget.tz !== undefined && line.budget.tz !== "UTC" && ` (${line.budget.tz})`}
        {line.budget.action === "alert" && <span class="muted"> · alert only</span>}
      </td>
      <td data-field="spent" data-nano={used.spentNano ?? undefined} data-source={used.source ?? undefined}>
        {used.spentNano === null ? (
          <span class="muted">
            {loading ? "…" : "unknown: not in the daily aggregates (an hour, or a window off UTC days)"}
          </span>
        ) : (
          <>
            {formatUsd(used.spentNano)} ({Math.round((share ?? 0) * 100)}%)
            {used.unpriced > 0 && <span class="muted"> + {used.unpriced} unpriced calls</span>}
            <div class="meter">
              <div
                class={share !== null && share >= 1 ? "full" : ""}
                style={{ width: `${Math.min(1, share ?? 0) * 100}%` }}
              />
            </div>
          </>
        )}
      </td>
      <td data-field="reset" data-reset={used.reset.toISOString()}>
        {used.reset.toLocaleString()}
      </td>
    </tr>
  );
}
