/**
 * What the limits engine decides over, in the one shape both stores take (the embedded ledger in the owner
 * process and the Redis functions): every limit's parameters travel with each call, so a config reload takes
 * effect on the next admission and a reservation keeps the parameters it was admitted under. Plain data: it
 * crosses the cluster's IPC channel and becomes Redis function arguments.
 */

/** Where a limit is attached; `route_key` is a route's `per_key` block for one key. */
export type LimitScope = "global" | "org" | "group" | "key" | "route" | "route_key";

/** Which limit this is, for denials, headers and `/v1/me`: scope, the object's id, and the limit's name. */
export interface LimitLabel {
  scope: LimitScope;
  id: string;
  /** `rpm`, `tpd`, `concurrency`, or a budget's name (`day`, `monthly-cap`). */
  name: string;
}

/** At most `limit` units per `windowMs`, in bursts of up to `burst` (GCRA). */
export interface RateSpec {
  kind: "rate";
  /** The counter's store key, without the hash tag (`rl:route:chat:rpm`). */
  key: string;
  label: LimitLabel;
  unit: "requests" | "tokens";
  limit: number;
  windowMs: number;
  burst: number;
}

/** At most `max` requests in flight, each holding a lease that expires unless renewed. */
export interface ConcurrencySpec {
  kind: "concurrency";
  key: string;
  label: LimitLabel;
  max: number;
}

/**
 * Money over calendar windows. The caller passes the window boundaries it computed (current and neighbours)
 * in epoch ms; the store picks the window from its own clock and refuses boundaries that no longer cover it.
 */
export interface BudgetSpec {
  kind: "budget";
  key: string;
  label: LimitLabel;
  amountNano: number;
  /** `reject` refuses what would cross the amount; `alert` only reports thresholds crossed. */
  action: "reject" | "alert";
  /** Fractions of the amount whose crossing is reported once per window, ascending. */
  alertAt: number[];
  /** Ascending window starts: window i is [boundaries[i], boundaries[i + 1]). */
  boundaries: number[];
}

export type LimitSpec = RateSpec | ConcurrencySpec | BudgetSpec;

/** One logical request's claim: 1 request, an estimate of tokens and of cost, and a lease. */
export interface AdmitRequest {
  /** The reservation's id, unique across processes and replicas. */
  id: string;
  specs: LimitSpec[];
  tokens: number;
  costNano: number;
  /** How long leases and the reservation live without renewal. */
  leaseMs: number;
}

/** The state of one limit after a decision: what the response headers and `/v1/me` show. */
export interface LimitState {
  /** Units left (requests, tokens, or nano-USD) right after this decision. */
  remaining: number;
  /** Milliseconds until the limit is whole again (rates), the window ends (budgets), or a lease frees. */
  resetMs: number;
}

export type AdmitResult =
  | {
      ok: true;
      states: LimitState[];
      alerts: BudgetAlert[];
      /** Set when a store decided in a degraded mode (Redis down: each replica's local share). */
      degraded?: string;
    }
  | {
      ok: false;
      /** Which spec refused: the first one, in the order given, that could not take the request. */
      denied: number;
      /** `never` when the request alone is larger than the limit's burst: waiting cannot help. */
      reason: "limit" | "never";
      retryAfterMs: number;
      state: LimitState;
    }
  /** The budget boundaries given no longer cover the store's clock: recompute them from `nowMs`. */
  | { ok: false; stale: true; nowMs: number };

/** A threshold of a budget crossed for the first time in its window (logged once). */
export interface BudgetAlert {
  label: LimitLabel;
  threshold: number;
  usedNano: number;
  amountNano: number;
  windowStartMs: number;
}

/** More usage than reserved, while a stream runs: top up the token limits and budgets, all or nothing. */
export interface MeterRequest {
  id: string;
  extraTokens: number;
  extraCostNano: number;
}

export type MeterResult =
  | { ok: true }
  | { ok: false; exhausted: LimitLabel }
  /** The reservation is gone (settled, or expired and finalized): nothing left to top up. */
  | { ok: false; unknown: true };

/** The real usage of a finished request (every attempt added up). */
export interface SettleRequest {
  id: string;
  tokens: number;
  costNano: number;
}

export interface SettleResult {
  /** `already`: a repeated settle (no change); `corrected`: the reservation had expired and was corrected. */
  status: "settled" | "already" | "corrected" | "unknown";
  alerts: BudgetAlert[];
}

/** A reservation whose holder stopped renewing it (a process died): finalized at its estimate. */
export interface ExpiredReservation {
  id: string;
  tokens: number;
  costNano: number;
}
