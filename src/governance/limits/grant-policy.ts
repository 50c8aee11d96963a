import type { LimitSpec, LimitState, RateSpec } from "./limit-spec.js";

/**
 * Grants: blocks of a limit's capacity the owner's ledger hands a worker, counted as consumed the moment they
 * are granted, so that the worker can admit from them on its own, without a round trip, and the fleet can
 * still never admit more than the limit. These rules are shared by both sides: the worker asks only for what
 * the ledger would grant.
 *
 * A grant is a small fraction of the limit, and only granted while the limit is far from exhausted (the
 * remaining capacity after it stays at least HEADROOM grants large). Small limits (a `rpm: 10`) are never
 * granted: each of their requests is decided by the ledger, as is every request a budget applies to.
 */

/** A grant is this fraction of a limit's burst (or of a concurrency limit's size). */
const GRANT_DIVISOR = 64;
/** After a grant, at least this many grants' worth must remain (else the limit is near: decide centrally). */
export const GRANT_HEADROOM = 8;
/** The smallest block worth granting: a request rate or concurrency limit below 64 x 8 is decided centrally. */
const MIN_GRANT_UNITS = 8;
/** A token-rate grant must cover at least this many requests' estimates to be worth a round trip. */
const MIN_REQUESTS_PER_TOKEN_GRANT = 4;

/**
 * How long a worker admits from a rate grant, from the moment it asked for it: units counted at grant time but
 * used later would let a burst through that the rate never allowed, so grants are short-lived.
 */
export const GRANT_TTL_MS = 1000;
/**
 * When the ledger books a rate grant its holder never returned (the worker died) as wholly used: well after the
 * holder stopped using it, so that no unit can be admitted after it was booked.
 */
export const LEDGER_GRANT_TTL_MS = 10_000;
/** How long the ledger holds the next admission that a recall may help (holders returning unused capacity). */
export const RECALL_WAIT_MS = 250;

/** The coordination topic on which the ledger asks every worker to return its grants on some limits. */
export const LIMITS_RECALL_TOPIC = "limits.recall";

/** The size of a grant for this limit, in its unit (requests, tokens, slots); 0 when it is never granted. */
export function grantSize(spec: LimitSpec, requestTokens: number): number {
  if (spec.kind === "budget") return 0;
  const size = Math.floor((spec.kind === "rate" ? spec.burst : spec.max) / GRANT_DIVISOR);
  if (spec.kind === "rate" && spec.unit === "tokens")
    return size >= Math.max(MIN_GRANT_UNITS, requestTokens * MIN_REQUESTS_PER_TOKEN_GRANT) ? size : 0;
  return size >= MIN_GRANT_UNITS ? size : 0;
}

/** Whether a limit can ever be granted (budgets and small limits cannot). */
export function isGrantable(spec: LimitSpec, requestTokens: number): boolean {
  return grantSize(spec, requestTokens) > 0;
}

/** A request rate counts one unit a request; a token rate the request's estimate. */
export function rateCost(spec: RateSpec, tokens: number): number {
  return spec.unit === "requests" ? 1 : tokens;
}

/** A block of capacity granted on the limit at `index` of an admission's specs. */
export interface GrantInfo {
  id: string;
  index: number;
  /** Requests or tokens (rates), slots (concurrency). */
  units: number;
  /** The limit's state right after the grant (the grant counted as consumed). */
  state: LimitState;
}

/**
 * A holder gives a grant back. Rates: `used` units are booked and the rest returns to the limit; the grant is
 * closed. Concurrency: the grant shrinks to `used` slots (still in flight), and is closed at 0.
 */
export interface GrantRelease {
  id: string;
  used: number;
}
