/** How the admin pages show limits, budgets and times. */
export function summarize(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (Array.isArray(value)) return value.map((item) => summarize(item)).join("; ");
  if (typeof value === "object")
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([name, inner]) =>
          `${name}: ${typeof inner === "object" && inner !== null ? `{${summarize(inner)}}` : String(inner)}`,
      )
      .join(", ");
  return String(value);
}

export function formatWhen(iso: string | null, none: string): string {
  if (iso === null) return none;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Budgets as people say them: `$5 per day`, `$500 per month (Europe/Berlin), alert only`. */
export function summarizeBudgets(budgets: readonly Record<string, unknown>[] | null): string {
  if (budgets === null || budgets.length === 0) return "–";
  return budgets
    .map((budget) => {
      const zone = typeof budget.tz === "string" && budget.tz !== "UTC" ? ` (${budget.tz})` : "";
      const alert = budget.action === "alert" ? ", alert only" : "";
      return `$${String(budget.amount_usd)} per ${String(budget.period)}${zone}${alert}`;
    })
    .join("; ");
}
