/**
 * The stepped search for sustained throughput: the highest request rate a server holds with p99 latency under
 * a bound and errors under a fraction, as the independent cross-gateway benchmark ranks gateways. Pure: the
 * caller runs each step and reports it; this decides whether a step passed and which rate to try next.
 */

export interface RateStep {
  /** The offered rate, requests per second. */
  rate: number;
  /** The rate actually served (completed requests over the step's duration). */
  achieved: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
}

export interface RateCriteria {
  /** A passing step's p99 must be below this (1,000 ms in the field's definition). */
  maxP99Ms: number;
  /** A passing step's errors over requests must be below this (0.001: 0.1%). */
  maxErrorFraction: number;
  /**
   * A passing step must serve at least this fraction of the offered rate: a closed-loop load generator whose
   * connections are all waiting cannot offer the rate, and a server that cannot keep up shows as a shortfall.
   */
  minAchievedFraction: number;
}

export interface SearchPlan {
  startRate: number;
  /** No step offers more than this. */
  maxRate: number;
  /** Steps between the highest pass and the lowest failure once one is found (bisection). */
  refinements: number;
  /** Bisection stops once the bracket is narrower than this fraction of its lower end. */
  resolution: number;
}

export const FIELD_CRITERIA: RateCriteria = {
  maxP99Ms: 1000,
  maxErrorFraction: 0.001,
  minAchievedFraction: 0.95,
};

export function stepPassed(step: RateStep, criteria: RateCriteria): boolean {
  if (step.requests === 0) return false;
  return (
    step.p99Ms < criteria.maxP99Ms &&
    step.errors / step.requests < criteria.maxErrorFraction &&
    step.achieved >= step.rate * criteria.minAchievedFraction
  );
}

/**
 * The next rate to offer given the steps so far, or undefined when the search is over: doubling from
 * `startRate` until a step fails (or `maxRate` is reached), then bisecting between the highest pass and the
 * lowest failure above it for `refinements` steps.
 */
export function nextRate(
  steps: readonly RateStep[],
  plan: SearchPlan,
  criteria: RateCriteria,
): number | undefined {
  if (steps.length === 0) return plan.startRate;
  const passed = steps.filter((step) => stepPassed(step, criteria)).map((step) => step.rate);
  const best = passed.length === 0 ? undefined : Math.max(...passed);
  const failedAbove = steps
    .filter((step) => !stepPassed(step, criteria) && (best === undefined || step.rate > best))
    .map((step) => step.rate);
  const ceiling = failedAbove.length === 0 ? undefined : Math.min(...failedAbove);
  if (ceiling === undefined) {
    // Everything passed so far: keep doubling, up to the cap.
    if (best === undefined || best >= plan.maxRate) return undefined;
    return Math.min(plan.maxRate, best * 2);
  }
  const floor = best ?? 0;
  const doubling = steps.findIndex((step) => !stepPassed(step, criteria));
  const refined = steps.length - 1 - doubling;
  if (refined >= plan.refinements) return undefined;
  if (best === undefined && ceiling <= plan.startRate / 8) return undefined;
  if (best !== undefined && ceiling - floor <= floor * plan.resolution) return undefined;
  return Math.round((floor + ceiling) / 2);
}

/** The search's result: the highest rate that passed (0 if none did). */
export function sustainedRate(steps: readonly RateStep[], criteria: RateCriteria): number {
  return steps.reduce((best, step) => (stepPassed(step, criteria) ? Math.max(best, step.rate) : best), 0);
}
