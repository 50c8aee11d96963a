import { GatewayError } from "../../canonical/index.js";
import type { UsageDimension, UsageQuery } from "./usage-aggregates.js";
import {
  hourAt,
  hourInstant,
  MAX_USAGE_DAYS,
  MAX_USAGE_HOURS,
  USAGE_BUCKETS,
  type UsageBucket,
} from "./usage-buckets.js";

/** What `group_by` takes: the aggregates' dimensions, and `group` (a key's group, summed from its keys). */
export type UsageGroupBy = UsageDimension | "group";

const DIMENSIONS: Record<UsageBucket, readonly UsageGroupBy[]> = {
  day: ["day", "key", "group", "route", "model"],
  hour: ["hour", "key", "group", "route", "model"],
};

/** A parsed `GET /admin/v1/usage`: what was asked, and what the aggregates are asked (`group` as `key`). */
export interface ParsedUsageQuery {
  bucket: UsageBucket;
  /** As the answer shows them: days (`2026-12-04`), or hours' first instants (`2026-12-04T13:00:00Z`). */
  from: string;
  to: string;
  groupBy: UsageGroupBy[];
  aggregates: UsageQuery;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** An hour in UTC: `2026-12-04T13`, with optional minutes, seconds and fraction (dropped), and `Z`. */
const HOUR = /^(\d{4}-\d{2}-\d{2}T\d{2})(?::\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?Z?$/;

function refuse(param: string, message: string): GatewayError {
  return new GatewayError("invalid_parameter", message, { param });
}

function day(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined || value === "") return fallback;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw refuse(name, `'${name}' must be a day as YYYY-MM-DD (UTC), got '${value}'.`);
  return value;
}

/** An hour bound (stored form `2026-12-04T13`): an instant in UTC, or a day (its first or last hour). */
function hour(value: string | undefined, name: "from" | "to", fallback: string): string {
  if (value === undefined || value === "") return fallback;
  if (DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    return `${value}T${name === "from" ? "00" : "23"}`;
  const match = HOUR.exec(value);
  if (match === null || Number.isNaN(Date.parse(hourInstant(match[1] as string))))
    throw refuse(
      name,
      `'${name}' must be a UTC time as YYYY-MM-DDTHH[:MM[:SS]]Z or a day as YYYY-MM-DD with bucket=hour, got '${value}'.`,
    );
  return match[1] as string;
}

/**
 * The query of `GET /admin/v1/usage`: `bucket` (`day`, the default, or `hour`), `from` and `to` (inclusive;
 * UTC days, or with `bucket=hour` UTC hours, e.g. `2026-12-04T13:00Z`; `to` defaults to now, `from` to `to`),
 * `group_by` (a comma list of the bucket (`day` or `hour`), `key`, `group`, `route`, `model`; none sums
 * everything) and an optional `key`. Bad values are 400s naming the parameter and what it takes.
 */
export function parseUsageQuery(
  query: Record<string, string | undefined>,
  nowMs = Date.now(),
): ParsedUsageQuery {
  const bucketText = query.bucket ?? "";
  const bucket = (bucketText === "" ? "day" : bucketText) as UsageBucket;
  if (!USAGE_BUCKETS.includes(bucket))
    throw refuse("bucket", `'bucket' takes ${USAGE_BUCKETS.join(" or ")}, got '${bucketText}'.`);
  let from: string;
  let to: string;
  if (bucket === "day") {
    to = day(query.to, "to", new Date(nowMs).toISOString().slice(0, 10));
    from = day(query.from, "from", to);
  } else {
    to = hour(query.to, "to", hourAt(nowMs));
    from = hour(query.from, "from", to);
  }
  if (from > to) throw refuse("from", `'from' (${from}) is after 'to' (${to}).`);
  const unitMs = bucket === "day" ? 86_400_000 : 3_600_000;
  const parse = (value: string) => Date.parse(bucket === "day" ? `${value}T00:00:00Z` : hourInstant(value));
  const count = (parse(to) - parse(from)) / unitMs + 1;
  const max = bucket === "day" ? MAX_USAGE_DAYS : MAX_USAGE_HOURS;
  if (count > max) throw refuse("from", `Ask for at most ${max} ${bucket}s at once (got ${count}).`);
  const allowed = DIMENSIONS[bucket];
  const groupBy: UsageGroupBy[] = [];
  for (const part of (query.group_by ?? "").split(",").map((value) => value.trim())) {
    if (part === "") continue;
    if (!allowed.includes(part as UsageGroupBy))
      throw refuse(
        "group_by",
        `'group_by' takes ${allowed.join(", ")} with bucket=${bucket} (comma-separated), got '${part}'.`,
      );
    if (!groupBy.includes(part as UsageGroupBy)) groupBy.push(part as UsageGroupBy);
  }
  // The aggregates count by key; a group is the sum of its keys.
  const stored: UsageDimension[] = [];
  for (const dimension of groupBy) {
    const as = dimension === "group" ? "key" : dimension;
    if (!stored.includes(as)) stored.push(as);
  }
  const show = (value: string) => (bucket === "day" ? value : hourInstant(value));
  return {
    bucket,
    from: show(from),
    to: show(to),
    groupBy,
    aggregates: {
      bucket,
      from,
      to,
      groupBy: stored,
      ...(query.key === undefined || query.key === "" ? {} : { key: query.key }),
    },
  };
}
