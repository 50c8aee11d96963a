import { GatewayError } from "../../canonical/index.js";
import { MAX_USAGE_DAYS } from "./redis-usage-aggregates.js";
import { USAGE_DIMENSIONS, type UsageDimension, type UsageQuery } from "./usage-aggregates.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined || value === "") return fallback;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new GatewayError(
      "invalid_parameter",
      `'${name}' must be a day as YYYY-MM-DD (UTC), got '${value}'.`,
      {
        param: name,
      },
    );
  return value;
}

/**
 * The query of `GET /admin/v1/usage`: `from` and `to` (UTC days, inclusive; `to` defaults to today, `from` to
 * `to`), `group_by` (a comma list of day, key, route, model; none sums everything) and an optional `key`.
 * Bad values are 400s naming the parameter.
 */
export function parseUsageQuery(query: Record<string, string | undefined>, nowMs = Date.now()): UsageQuery {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const to = day(query.to, "to", today);
  const from = day(query.from, "from", to);
  if (from > to)
    throw new GatewayError("invalid_parameter", `'from' (${from}) is after 'to' (${to}).`, { param: "from" });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_USAGE_DAYS)
    throw new GatewayError(
      "invalid_parameter",
      `Ask for at most ${MAX_USAGE_DAYS} days at once (got ${days}).`,
      {
        param: "from",
      },
    );
  const groupBy: UsageDimension[] = [];
  for (const part of (query.group_by ?? "").split(",").map((value) => value.trim())) {
    if (part === "") continue;
    if (!USAGE_DIMENSIONS.includes(part as UsageDimension))
      throw new GatewayError(
        "invalid_parameter",
        `'group_by' takes ${USAGE_DIMENSIONS.join(", ")} (comma-separated), got '${part}'.`,
        { param: "group_by" },
      );
    if (!groupBy.includes(part as UsageDimension)) groupBy.push(part as UsageDimension);
  }
  return { from, to, groupBy, ...(query.key === undefined || query.key === "" ? {} : { key: query.key }) };
}
