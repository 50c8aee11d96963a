import type { RouteGovernanceConfig } from "./gateway-config.js";
import { mlflowRate, toBudgets, toLimits } from "./governance/limit-blocks.js";
import type { ReportIssue } from "./issue-reporter.js";
import type { RouteEntry } from "./route-entry-schema.js";

/**
 * A route's limits, budgets and accounting settings. MLflow's `limit: {calls, renewal_period}` is the rate it
 * means (a minute is `rpm`), so it cannot also be given in `limits:` under the same name.
 */
export function parseRouteGovernance(
  route: RouteEntry,
  report: ReportIssue,
): RouteGovernanceConfig | undefined {
  const limits = toLimits(route.limits);
  const perKey = toLimits(route.limits?.per_key);
  const { budgets, duplicateNames } = toBudgets(route.budgets);
  let ok = true;
  for (const index of duplicateNames) {
    report(
      ["budgets", index, "name"],
      "repeats the name of an earlier budget of this route; give each a distinct 'name'",
    );
    ok = false;
  }
  const mlflowLimit =
    route.limit == null ? null : { calls: route.limit.calls, renewalPeriod: route.limit.renewal_period };
  if (mlflowLimit !== null) {
    const rate = mlflowRate(mlflowLimit);
    if (limits.rates.some((existing) => existing.name === rate.name)) {
      report(
        ["limit"],
        `is MLflow's form of limits.${rate.name}, which is also set; give the limit once`,
        true,
      );
      ok = false;
    }
    limits.rates.push(rate);
  }
  if (!ok) return undefined;
  return {
    limits,
    perKey,
    budgets,
    mlflowLimit,
    price: route.price ?? null,
    onBudgetExhaustedMidStream: route.on_budget_exhausted_mid_stream ?? "finish",
    injectStreamUsage: route.inject_stream_usage ?? true,
  };
}

/** What a route without any limits, budgets or accounting settings gets. */
export const DEFAULT_ROUTE_GOVERNANCE: RouteGovernanceConfig = Object.freeze({
  limits: { rates: [], concurrency: null },
  perKey: { rates: [], concurrency: null },
  budgets: [],
  mlflowLimit: null,
  price: null,
  onBudgetExhaustedMidStream: "finish",
  injectStreamUsage: true,
});
