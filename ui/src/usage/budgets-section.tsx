import { useEffect, useState } from "preact/hooks";
import { adminProblem } from "../admin/admin-availability.js";
import { CursorPager } from "../components/cursor-pager.js";
import { readBudgets } from "./usage-client.js";
import { formatUsd, nanoOf } from "./usage-rollup.js";
import type { BudgetsAnswer, BudgetView } from "./usage-wire.js";

/** Budgets shown at once; the rest a page away. */
const PAGE_SIZE = 50;

const SCOPE_NAMES: Record<BudgetView["scope"], string> = {
  global: "gateway",
  route: "route",
  org: "org",
  group: "group",
  key: "key",
};

/**
 * Every budget the gateway enforces (the gateway's, each route's, org's, group's and key's) with what its
 * current window has spent, as the limit store counts it, and when it resets (`GET /admin/v1/budgets`).
 */
export function BudgetsSection() {
  const [answer, setAnswer] = useState<BudgetsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  useEffect(() => {
    let current = true;
    readBudgets(PAGE_SIZE, cursor).then(
      (page) => current && setAnswer(page),
      (failure: unknown) => current && setError(adminProblem(failure)),
    );
    return () => {
      current = false;
    };
  }, [cursor]);

  return (
    <section id="budgets">
      <h2>Budgets</h2>
      {error !== null && <p class="error-text">{error}</p>}
      {answer !== null && !answer.state_known && (
        <p class="error-text" id="budgets-unknown">
          The limit store cannot be read right now: what each budget has spent is unknown.
        </p>
      )}
      {answer === null ? (
        error === null && <p class="muted">Loading the budgets…</p>
      ) : answer.data.length === 0 && cursors.length === 1 ? (
        <p class="muted">
          No budget is set. Set one on a key or group (Keys page), or on a route or the gateway in the config
          file (<code>budgets:</code>).
        </p>
      ) : (
        <>
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
              {answer.data.map((budget) => (
                <BudgetRow key={`${budget.scope}:${budget.id}:${budget.name}`} budget={budget} />
              ))}
            </tbody>
          </table>
          <CursorPager
            id="budgets"
            cursors={cursors}
            setCursors={setCursors}
            nextCursor={answer.next_cursor}
          />
        </>
      )}
    </section>
  );
}

function BudgetRow({ budget }: { budget: BudgetView }) {
  const amountNano = nanoOf(budget.amount_usd);
  const spentNano = budget.spent_usd === null ? null : nanoOf(budget.spent_usd);
  const share = spentNano === null || amountNano === 0 ? null : Math.max(0, spentNano / amountNano);
  const who =
    budget.scope === "global"
      ? "the whole gateway"
      : budget.scope === "key" && budget.alias
        ? `${budget.alias} (${budget.id})`
        : budget.id;
  return (
    <tr data-budget={`${budget.scope}:${budget.id}`} data-name={budget.name}>
      <td>
        {SCOPE_NAMES[budget.scope]} <b>{who}</b>
      </td>
      <td>
        ${budget.amount_usd} per {budget.period}
        {budget.tz !== "UTC" && ` (${budget.tz})`}
        {budget.name !== budget.period && <span class="muted"> · {budget.name}</span>}
        {budget.action === "alert" && <span class="muted"> · alert only</span>}
      </td>
      <td
        data-field="spent"
        data-nano={spentNano ?? undefined}
        data-source={spentNano === null ? undefined : "limit store"}
      >
        {spentNano === null ? (
          <span class="muted">unknown</span>
        ) : (
          <>
            {formatUsd(spentNano)} ({Math.round((share ?? 0) * 100)}%),{" "}
            {formatUsd(nanoOf(budget.remaining_usd ?? "0"))} left
            <div class="meter">
              <div
                class={share !== null && share >= 1 ? "full" : ""}
                style={{ width: `${Math.min(1, share ?? 0) * 100}%` }}
              />
            </div>
          </>
        )}
      </td>
      <td data-field="reset" data-reset={budget.reset_at}>
        {new Date(budget.reset_at).toLocaleString()}
      </td>
    </tr>
  );
}
