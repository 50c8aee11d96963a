import { FieldError, type FieldProblem, isAbout } from "./field-error.js";

/** The rate and in-flight limits a key, group or org takes (docs/limits-and-budgets.md). */
export const LIMIT_NAMES = ["rpm", "rph", "rpd", "tpm", "tpd", "concurrency"] as const;
type LimitName = (typeof LIMIT_NAMES)[number];

const LIMIT_LABELS: Record<LimitName, string> = {
  rpm: "requests / minute",
  rph: "requests / hour",
  rpd: "requests / day",
  tpm: "tokens / minute",
  tpd: "tokens / day",
  concurrency: "in flight",
};

/** The limits as typed: one text per limit ("" for none), and the block as the gateway had it. */
export interface LimitsDraft {
  values: Record<LimitName, string>;
  /** The stored block: a long form (`{limit, burst}`) is kept when its limit is not changed. */
  original: Record<string, unknown> | null;
}

/** One budget as typed; `keep` holds what the form does not show (name, alert_at). */
export interface BudgetDraft {
  amount: string;
  period: string;
  tz: string;
  action: string;
  keep: Record<string, unknown>;
}

export function limitsDraftOf(block: Record<string, unknown> | null): LimitsDraft {
  const values = Object.fromEntries(
    LIMIT_NAMES.map((name) => {
      const value = block?.[name];
      const limit =
        typeof value === "object" && value !== null ? (value as { limit?: unknown }).limit : value;
      return [name, limit === undefined || limit === null ? "" : String(limit)];
    }),
  ) as Record<LimitName, string>;
  return { values, original: block };
}

export function budgetsDraftOf(budgets: Record<string, unknown>[] | null): BudgetDraft[] {
  return (budgets ?? []).map((budget) => {
    const { amount_usd, period, tz, action, ...keep } = budget;
    return {
      amount: amount_usd === undefined ? "" : String(amount_usd),
      period: typeof period === "string" ? period : "day",
      tz: typeof tz === "string" ? tz : "",
      action: typeof action === "string" ? action : "reject",
      keep,
    };
  });
}

export const EMPTY_LIMITS: LimitsDraft = limitsDraftOf(null);

/**
 * The `limits` block for the admin API: numbers as typed (the gateway checks them and names the field it
 * refuses), null when every field is empty (which clears the limits on a change).
 */
export function limitsBody(draft: LimitsDraft): Record<string, unknown> | null {
  const block: Record<string, unknown> = {};
  for (const name of LIMIT_NAMES) {
    const text = draft.values[name].trim();
    if (text === "") continue;
    const value = Number(text);
    const before = draft.original?.[name];
    const longForm = typeof before === "object" && before !== null && (before as { limit?: unknown }).limit;
    // A number input gives "" for what is not a number: what was typed is sent, so the gateway says why.
    block[name] = longForm === value ? before : Number.isNaN(value) ? text : value;
  }
  return Object.keys(block).length === 0 ? null : block;
}

export function budgetsBody(drafts: readonly BudgetDraft[]): Record<string, unknown>[] | null {
  if (drafts.length === 0) return null;
  return drafts.map((draft) => ({
    ...draft.keep,
    amount_usd: draft.amount.trim(),
    period: draft.period,
    ...(draft.tz.trim() === "" ? {} : { tz: draft.tz.trim() }),
    action: draft.action,
  }));
}

interface Props {
  prefix: string;
  limits: LimitsDraft;
  budgets: BudgetDraft[];
  change: (patch: { limits?: LimitsDraft; budgets?: BudgetDraft[] }) => void;
  problem: FieldProblem | null;
}

/** The limits and budgets of a key, group or org as form fields, each with the gateway's refusal beside it. */
export function LimitsFields({ prefix, limits, budgets, change, problem }: Props) {
  const setLimit = (name: LimitName) => (event: Event) =>
    change({
      limits: { ...limits, values: { ...limits.values, [name]: (event.target as HTMLInputElement).value } },
    });
  const setBudget = (index: number, field: keyof Omit<BudgetDraft, "keep">) => (event: Event) =>
    change({
      budgets: budgets.map((budget, at) =>
        at === index ? { ...budget, [field]: (event.target as HTMLInputElement).value } : budget,
      ),
    });
  return (
    <>
      <span class="label">Limits</span>
      <div class="limits" data-fields={`${prefix}-limits`}>
        {LIMIT_NAMES.map((name) => (
          <div class={`limit${isAbout(problem, `limits.${name}`) ? " invalid" : ""}`} key={name}>
            <label for={`${prefix}-${name}`}>{name}</label>
            <input
              id={`${prefix}-${name}`}
              name={name}
              type="number"
              min={1}
              step={1}
              value={limits.values[name]}
              onInput={setLimit(name)}
              placeholder={LIMIT_LABELS[name]}
              title={LIMIT_LABELS[name]}
            />
            <FieldError problem={problem} name={`limits.${name}`} />
          </div>
        ))}
        <FieldError problem={problem} name="limits" />
      </div>
      <span class="label">Budgets</span>
      <div class="budgets" data-fields={`${prefix}-budgets`}>
        {budgets.map((budget, index) => {
          const at = `budgets.${index}`;
          return (
            <div class="budget" key={index} data-budget-row={index}>
              <label for={`${prefix}-budget-${index}-amount`}>USD</label>
              <input
                id={`${prefix}-budget-${index}-amount`}
                inputMode="decimal"
                value={budget.amount}
                onInput={setBudget(index, "amount")}
                placeholder="10"
              />
              <label for={`${prefix}-budget-${index}-period`}>per</label>
              <select
                id={`${prefix}-budget-${index}-period`}
                value={budget.period}
                onChange={setBudget(index, "period")}
              >
                <option value="hour">hour</option>
                <option value="day">day</option>
                <option value="week">week</option>
                <option value="month">month</option>
              </select>
              <label for={`${prefix}-budget-${index}-tz`}>time zone</label>
              <input
                id={`${prefix}-budget-${index}-tz`}
                value={budget.tz}
                onInput={setBudget(index, "tz")}
                placeholder="UTC"
              />
              <label for={`${prefix}-budget-${index}-action`}>then</label>
              <select
                id={`${prefix}-budget-${index}-action`}
                value={budget.action}
                onChange={setBudget(index, "action")}
              >
                <option value="reject">refuse calls</option>
                <option value="alert">alert only</option>
              </select>
              <button
                type="button"
                class="secondary"
                onClick={() => change({ budgets: budgets.filter((_, other) => other !== index) })}
              >
                Remove
              </button>
              {["amount_usd", "period", "tz", "action", "name", "alert_at"].map((field) => (
                <FieldError key={field} problem={problem} name={`${at}.${field}`} deep />
              ))}
              <FieldError problem={problem} name={at} />
            </div>
          );
        })}
        <button
          type="button"
          class="secondary"
          id={`${prefix}-add-budget`}
          onClick={() =>
            change({
              budgets: [...budgets, { amount: "", period: "day", tz: "", action: "reject", keep: {} }],
            })
          }
        >
          Add a budget
        </button>
        <FieldError problem={problem} name="budgets" />
      </div>
    </>
  );
}
