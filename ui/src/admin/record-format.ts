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
