import { z } from "zod";
import { usdToNano } from "./usd-amount.js";

/**
 * The `limits:` and `budgets:` blocks, one shape wherever they apply: on a route (and its `per_key`), a key, a
 * group, an org, and the admin API's bodies. Shared by access control (which attaches them to keys, groups and
 * orgs) and the limits engine (which enforces them).
 */

/** A rate limit, normalised: at most `limit` units per `windowMs`, with bursts up to `burst` units. */
export interface RateLimit {
  /** The name the config used (`rpm`, `tpd`, ...; `rps`, `rpmo`, `rpy` from MLflow's `limit:`): denials name it. */
  name: RateLimitName | "rps" | "rpmo" | "rpy";
  unit: "requests" | "tokens";
  limit: number;
  windowMs: number;
  burst: number;
}

export type RateLimitName = "rpm" | "rph" | "rpd" | "tpm" | "tpd";

export interface Limits {
  rates: RateLimit[];
  /** Most requests in flight at once; null for none. */
  concurrency: number | null;
}

export type BudgetPeriod = "hour" | "day" | "week" | "month";

export interface Budget {
  /** Unique within its scope; by default the period (`day`). Denials name it. */
  name: string;
  /** Integer nano-USD (1 USD = 1e9): money is never a float. */
  amountNanoUsd: number;
  period: BudgetPeriod;
  /** IANA time zone the calendar window follows (`UTC` by default). */
  tz: string;
  /** `reject` refuses the call that would cross the budget; `alert` only logs, once per window and threshold. */
  action: "reject" | "alert";
  /** Fractions of the amount at which an alert is logged (default [1]). */
  alertAt: number[];
}

const RATE_UNITS: Record<RateLimitName, { unit: RateLimit["unit"]; windowMs: number }> = {
  rpm: { unit: "requests", windowMs: 60_000 },
  rph: { unit: "requests", windowMs: 3_600_000 },
  rpd: { unit: "requests", windowMs: 86_400_000 },
  tpm: { unit: "tokens", windowMs: 60_000 },
  tpd: { unit: "tokens", windowMs: 86_400_000 },
};

export const RATE_LIMIT_NAMES = Object.keys(RATE_UNITS) as RateLimitName[];

const count = z.number().int().min(1).max(1e12);

/** `rpm: 60`, or the long form `rpm: {limit: 60, burst: 10}` (burst defaults to the limit). */
const rateSchema = z.union([count, z.object({ limit: count, burst: count.optional() }).strict()]);

export const limitsSchema = z
  .object({
    rpm: rateSchema.optional(),
    rph: rateSchema.optional(),
    rpd: rateSchema.optional(),
    tpm: rateSchema.optional(),
    tpd: rateSchema.optional(),
    concurrency: z.number().int().min(1).max(1e6).optional(),
  })
  .strict();

export { nanoToUsd, usdToNano } from "./usd-amount.js";

export const LIMIT_KEYS = Object.keys(limitsSchema.shape).join(", ");

/** Largest amount that stays an exact integer of nano-USD in a double (2^53 nano-USD is about 9 million USD). */
const MAX_AMOUNT_USD = 9_000_000;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const amountSchema = z.union([z.number().nonnegative(), z.string()]).refine((value) => {
  const nano = usdToNano(value);
  return nano !== undefined && nano <= MAX_AMOUNT_USD * 1e9;
}, `must be an amount in USD from 0 to ${MAX_AMOUNT_USD}, with at most 9 decimals (e.g. 20 or "0.50")`);

export const budgetSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1 to 64 letters, digits, '_', '.' or '-'")
      .optional(),
    amount_usd: amountSchema,
    period: z.enum(["hour", "day", "week", "month"]),
    tz: z.string().refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin").optional(),
    action: z.enum(["reject", "alert"]).optional(),
    alert_at: z.array(z.number().positive().max(10)).min(1).max(10).optional(),
  })
  .strict();

export const budgetsSchema = z.array(budgetSchema).max(32);

export const BUDGET_KEYS = Object.keys(budgetSchema.shape).join(", ");

/** A validated `limits:` block, normalised. */
export function toLimits(block: z.infer<typeof limitsSchema> | undefined): Limits {
  const rates: RateLimit[] = [];
  for (const name of RATE_LIMIT_NAMES) {
    const value = block?.[name];
    if (value === undefined) continue;
    const limit = typeof value === "number" ? value : value.limit;
    const burst = typeof value === "number" ? value : (value.burst ?? value.limit);
    rates.push({ name, ...RATE_UNITS[name], limit, burst });
  }
  return { rates, concurrency: block?.concurrency ?? null };
}

/**
 * A validated `budgets:` list, normalised; the second result lists the indexes whose name repeats an earlier
 * one (names must be unique within a scope: denials and counters are keyed by them).
 */
export function toBudgets(list: z.infer<typeof budgetsSchema> | undefined): {
  budgets: Budget[];
  duplicateNames: number[];
} {
  const seen = new Set<string>();
  const duplicateNames: number[] = [];
  const budgets = (list ?? []).map((entry, index): Budget => {
    const name = entry.name ?? entry.period;
    if (seen.has(name)) duplicateNames.push(index);
    seen.add(name);
    return {
      name,
      amountNanoUsd: usdToNano(entry.amount_usd) as number,
      period: entry.period,
      tz: entry.tz ?? "UTC",
      action: entry.action ?? "reject",
      alertAt: entry.alert_at ?? [1],
    };
  });
  return { budgets, duplicateNames };
}

/** A route's `limits:`: the route's own limits, and in `per_key` those each key gets on the route. */
export const routeLimitsSchema = limitsSchema.extend({ per_key: limitsSchema.optional() }).strict();

/**
 * MLflow's per-endpoint form (MLflow 2.9+ deployments server): `limit: {calls: N, renewal_period: minute}`,
 * N calls per period. The periods are those of the `limits` library MLflow parses it with (a month is 30 days
 * and a year 360 there, and so here). `key` is accepted and, as in MLflow's server, not used.
 */
export const MLFLOW_RENEWAL_PERIODS = {
  second: { name: "rps", windowMs: 1000 },
  minute: { name: "rpm", windowMs: 60_000 },
  hour: { name: "rph", windowMs: 3_600_000 },
  day: { name: "rpd", windowMs: 86_400_000 },
  month: { name: "rpmo", windowMs: 30 * 86_400_000 },
  year: { name: "rpy", windowMs: 360 * 86_400_000 },
} as const;

export type MlflowRenewalPeriod = keyof typeof MLFLOW_RENEWAL_PERIODS;

export const mlflowLimitSchema = z
  .object({
    calls: count,
    renewal_period: z.enum(
      Object.keys(MLFLOW_RENEWAL_PERIODS) as [MlflowRenewalPeriod, ...MlflowRenewalPeriod[]],
    ),
    key: z.string().nullish(),
  })
  .strict();

/** MLflow's `limit:` as it was written (shown back by the endpoint APIs and `get_limits`). */
export interface MlflowLimit {
  calls: number;
  renewalPeriod: MlflowRenewalPeriod;
}

/** The rate limit MLflow's form means: `calls` requests per period, all of them usable at once. */
export function mlflowRate(limit: MlflowLimit): RateLimit {
  const { name, windowMs } = MLFLOW_RENEWAL_PERIODS[limit.renewalPeriod];
  return { name, unit: "requests", limit: limit.calls, windowMs, burst: limit.calls };
}

/** Prices in USD per million tokens (a price override, a default price): each bucket separately. */
const perMtok = z.number().nonnegative().max(1_000_000);
export const priceSchema = z
  .object({
    input_per_mtok: perMtok.optional(),
    output_per_mtok: perMtok.optional(),
    cache_read_per_mtok: perMtok.optional(),
    cache_write_per_mtok: perMtok.optional(),
    cache_write_1h_per_mtok: perMtok.optional(),
    reasoning_per_mtok: perMtok.optional(),
  })
  .strict();
export const PRICE_KEYS = Object.keys(priceSchema.shape).join(", ");
export type PriceOverride = z.infer<typeof priceSchema>;
