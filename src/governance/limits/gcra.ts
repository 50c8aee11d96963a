import type { LimitState, RateSpec } from "./limit-spec.js";

/**
 * The generic cell rate algorithm over one rate limit: the state is one number, the theoretical arrival time
 * (TAT) of the next unit. A request of `cost` units is admitted when, after adding `cost` emission intervals,
 * the TAT is at most `burst` intervals ahead of now. The same arithmetic runs in the Redis function
 * (`redis-functions.ts`); both stores must decide identically.
 *
 * Times are microseconds since `STORE_EPOCH_MS` rather than since 1970: a double then resolves about 0.01 µs
 * instead of 0.25 µs, so adding fractional intervals (1M tokens per minute is one token per 60 µs) stays exact
 * enough that a thousand decisions drift by nanoseconds.
 */
export const STORE_EPOCH_MS = Date.UTC(2025, 0, 1);

/** Rounding slack when comparing a TAT with the burst tolerance (well below any interval that matters). */
const SLACK_US = 0.001;

/** Microseconds per unit of the limit. */
export function intervalUs(spec: Pick<RateSpec, "limit" | "windowMs">): number {
  return (spec.windowMs * 1000) / spec.limit;
}

export type RateDecision =
  | { ok: true; tat: number; state: LimitState }
  | { ok: false; never: boolean; retryAfterMs: number; state: LimitState };

/** Decides whether `cost` units fit now; never writes. `tat` is the stored TAT (undefined: none yet). */
export function decideRate(
  spec: RateSpec,
  tat: number | undefined,
  nowUs: number,
  cost: number,
): RateDecision {
  const interval = intervalUs(spec);
  const tolerance = spec.burst * interval;
  const start = tat === undefined || tat < nowUs ? nowUs : tat;
  const next = start + cost * interval;
  const ahead = next - nowUs;
  if (ahead > tolerance + SLACK_US) {
    const never = cost * interval > tolerance + SLACK_US;
    const retryAfterMs = never ? 0 : Math.ceil((ahead - tolerance) / 1000);
    return { ok: false, never, retryAfterMs, state: stateOf(start - nowUs, tolerance, interval) };
  }
  return { ok: true, tat: next, state: stateOf(ahead, tolerance, interval) };
}

/** After the call: move the TAT by the difference between what was used and what was held; never below now. */
export function settleRate(
  spec: RateSpec,
  tat: number | undefined,
  nowUs: number,
  difference: number,
): number {
  const moved = (tat ?? nowUs) + difference * intervalUs(spec);
  return Math.max(moved, nowUs);
}

/** The current state of a rate limit without deciding anything (for `/v1/me`). */
export function rateState(spec: RateSpec, tat: number | undefined, nowUs: number): LimitState {
  const interval = intervalUs(spec);
  const ahead = tat === undefined || tat < nowUs ? 0 : tat - nowUs;
  return stateOf(ahead, spec.burst * interval, interval);
}

function stateOf(aheadUs: number, toleranceUs: number, interval: number): LimitState {
  const remaining = Math.max(0, Math.floor((toleranceUs - aheadUs) / interval + 1e-9));
  return { remaining, resetMs: Math.max(0, Math.ceil(aheadUs / 1000)) };
}
