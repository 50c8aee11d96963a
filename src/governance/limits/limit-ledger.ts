import { BudgetWindows } from "./budget-windows.js";
import { windowIndex } from "./calendar-window.js";
import { decideRate, intervalUs, type RateDecision, rateState, STORE_EPOCH_MS, settleRate } from "./gcra.js";
import { GrantBook } from "./grant-book.js";
import type {
  AdmitRequest,
  AdmitResult,
  BudgetAlert,
  ExpiredReservation,
  LimitSpec,
  LimitState,
  MeterRequest,
  MeterResult,
  RateSpec,
  SettleRequest,
  SettleResult,
} from "./limit-spec.js";

/** One limit a reservation holds something on, with what it was admitted under. */
interface HeldEntry {
  spec: LimitSpec;
  /** Tokens for a token rate, nano-USD for a budget, 1 for a request rate or a lease. */
  held: number;
  /** Budgets: the start of the window that admitted the request (settle charges that window). */
  windowStart: number;
}

interface Reservation {
  status: "open" | "settled" | "expired";
  entries: HeldEntry[];
  tokens: number;
  costNano: number;
  deadlineMs: number;
  leaseMs: number;
}

/** Settled and expired reservations are remembered this long, so a repeated settle changes nothing. */
const TOMBSTONE_MS = 3_600_000;

/**
 * The embedded store's limits engine: every counter in one process's memory (the gateway's owner process), so
 * every decision is made once, against one clock, whatever the number of workers. Each call is atomic by
 * construction (synchronous, single-threaded): a request is admitted only if every limit that applies can take
 * it, and nothing is written otherwise. The Redis functions implement the same semantics for several replicas.
 */
export class LimitLedger {
  private readonly tats = new Map<string, number>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly budgets = new BudgetWindows();
  private readonly reservations = new Map<string, Reservation>();
  private readonly tombstones = new Map<string, number>();
  /** Capacity handed to workers (grants.ts): counted as consumed in every decision until it comes back. */
  readonly grants = new GrantBook();

  constructor(private readonly nowMs: () => number = () => performance.timeOrigin + performance.now()) {}

  /** The store's clock (the only one decisions use). */
  now(): number {
    return this.nowMs();
  }

  admit(request: AdmitRequest): AdmitResult {
    const nowMs = this.nowMs();
    const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
    const states: LimitState[] = [];
    const decisions: (RateDecision | number | undefined)[] = [];
    // Decide everything before writing anything: all or nothing.
    for (const [index, spec] of request.specs.entries()) {
      if (spec.kind === "rate") {
        const cost = spec.unit === "requests" ? 1 : request.tokens;
        const decision = decideRate(spec, this.effectiveTat(spec, nowUs), nowUs, cost);
        if (!decision.ok) {
          const reason = decision.never ? "never" : "limit";
          return {
            ok: false,
            denied: index,
            reason,
            retryAfterMs: decision.retryAfterMs,
            state: decision.state,
          };
        }
        decisions.push(decision);
        states.push(decision.state);
      } else if (spec.kind === "concurrency") {
        const held = this.slotsInUse(spec.key, nowMs);
        if (held.slots + 1 > spec.max) {
          const retryAfterMs = Math.max(1, Math.ceil(held.earliestMs - nowMs));
          return {
            ok: false,
            denied: index,
            reason: "limit",
            retryAfterMs,
            state: { remaining: 0, resetMs: retryAfterMs },
          };
        }
        decisions.push(undefined);
        states.push({ remaining: spec.max - held.slots - 1, resetMs: 0 });
      } else {
        const window = windowIndex(spec.boundaries, nowMs);
        if (window === -1) return { ok: false, stale: true, nowMs };
        const start = spec.boundaries[window] as number;
        const resetMs = Math.ceil((spec.boundaries[window + 1] as number) - nowMs);
        const counters = this.budgets.peek(spec.key, start);
        const committed = (counters?.used ?? 0) + (counters?.held ?? 0);
        if (spec.action === "reject" && committed + request.costNano > spec.amountNano) {
          const state = { remaining: Math.max(0, spec.amountNano - committed), resetMs };
          return { ok: false, denied: index, reason: "limit", retryAfterMs: resetMs, state };
        }
        decisions.push(start);
        states.push({ remaining: Math.max(0, spec.amountNano - committed - request.costNano), resetMs });
      }
    }
    const entries: HeldEntry[] = [];
    for (const [index, spec] of request.specs.entries()) {
      const decision = decisions[index];
      if (spec.kind === "rate") {
        this.storeTat(spec, (decision as RateDecision & { ok: true }).tat);
        entries.push({ spec, held: spec.unit === "requests" ? 1 : request.tokens, windowStart: 0 });
      } else if (spec.kind === "concurrency") {
        this.leaseSet(spec.key).set(request.id, nowMs + request.leaseMs);
        entries.push({ spec, held: 1, windowStart: 0 });
      } else {
        const start = decision as number;
        this.budgets.window(spec.key, start).held += request.costNano;
        entries.push({ spec, held: request.costNano, windowStart: start });
      }
    }
    this.reservations.set(request.id, {
      status: "open",
      entries,
      tokens: request.tokens,
      costNano: request.costNano,
      deadlineMs: nowMs + request.leaseMs,
      leaseMs: request.leaseMs,
    });
    return { ok: true, states, alerts: [] };
  }

  /** Tops up a running reservation's token limits and budgets by the extra usage, all or nothing; renews it. */
  meter(request: MeterRequest): MeterResult {
    const reservation = this.reservations.get(request.id);
    if (reservation === undefined || reservation.status !== "open") return { ok: false, unknown: true };
    const nowMs = this.nowMs();
    const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
    const tats: (number | undefined)[] = [];
    for (const entry of reservation.entries) {
      const spec = entry.spec;
      if (spec.kind === "rate" && spec.unit === "tokens" && request.extraTokens > 0) {
        const decision = decideRate(spec, this.effectiveTat(spec, nowUs), nowUs, request.extraTokens);
        if (!decision.ok) return { ok: false, exhausted: spec.label };
        tats.push(decision.tat);
      } else {
        if (spec.kind === "budget" && spec.action === "reject" && request.extraCostNano > 0) {
          const counters = this.budgets.window(spec.key, entry.windowStart);
          if (counters.used + counters.held + request.extraCostNano > spec.amountNano)
            return { ok: false, exhausted: spec.label };
        }
        tats.push(undefined);
      }
    }
    for (const [index, entry] of reservation.entries.entries()) {
      const tat = tats[index];
      if (tat !== undefined) {
        this.storeTat(entry.spec as RateSpec, tat);
        entry.held += request.extraTokens;
      } else if (entry.spec.kind === "budget" && request.extraCostNano > 0) {
        this.budgets.window(entry.spec.key, entry.windowStart).held += request.extraCostNano;
        entry.held += request.extraCostNano;
      }
    }
    reservation.tokens += request.extraTokens;
    reservation.costNano += request.extraCostNano;
    this.renewOne(request.id, reservation, nowMs);
    return { ok: true };
  }

  /** Extends the deadline and leases of running reservations (their holders are alive). */
  renew(ids: readonly string[]): void {
    const nowMs = this.nowMs();
    for (const id of ids) {
      const reservation = this.reservations.get(id);
      if (reservation?.status === "open") this.renewOne(id, reservation, nowMs);
      else this.grants.renew(id, nowMs);
    }
  }

  /** Books the real usage; a second settle of the same reservation changes nothing. */
  settle(request: SettleRequest): SettleResult {
    const reservation = this.reservations.get(request.id);
    if (reservation === undefined) {
      return { status: this.tombstones.has(request.id) ? "already" : "unknown", alerts: [] };
    }
    if (reservation.status === "settled") return { status: "already", alerts: [] };
    const nowMs = this.nowMs();
    const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
    const expired = reservation.status === "expired";
    const alerts: BudgetAlert[] = [];
    for (const entry of reservation.entries) {
      const spec = entry.spec;
      if (spec.kind === "rate") {
        if (spec.unit === "tokens") {
          this.tats.set(
            spec.key,
            settleRate(spec, this.tats.get(spec.key), nowUs, request.tokens - entry.held),
          );
        }
      } else if (spec.kind === "concurrency") {
        this.leases.get(spec.key)?.delete(request.id);
      } else {
        const counters = this.budgets.window(spec.key, entry.windowStart);
        // An expired reservation's estimate was already committed as spend: only the difference moves.
        if (expired) counters.used += request.costNano - entry.held;
        else {
          counters.held -= entry.held;
          counters.used += request.costNano;
        }
        const alert = this.budgets.crossedThreshold(spec, entry.windowStart, counters);
        if (alert !== undefined) alerts.push(alert);
      }
    }
    reservation.status = "settled";
    this.reservations.delete(request.id);
    this.tombstones.set(request.id, nowMs + TOMBSTONE_MS);
    return { status: expired ? "corrected" : "settled", alerts };
  }

  /**
   * Finalizes reservations whose holders stopped renewing them (a process that died): their held budget
   * becomes spend, as estimated, and their leases are removed. A settle arriving later corrects the spend.
   */
  sweep(): ExpiredReservation[] {
    const nowMs = this.nowMs();
    const expired: ExpiredReservation[] = [];
    // A rate grant never returned: its holder died or hung; every unit of it counts as used (never fewer).
    for (const grant of this.grants.closeExpired(nowMs))
      if (grant.kind === "rate") this.bookRate(grant.spec, grant.units, (nowMs - STORE_EPOCH_MS) * 1000);
    for (const [id, reservation] of this.reservations) {
      if (reservation.status !== "open" || reservation.deadlineMs > nowMs) continue;
      for (const entry of reservation.entries) {
        if (entry.spec.kind === "concurrency") this.leases.get(entry.spec.key)?.delete(id);
        else if (entry.spec.kind === "budget") {
          const counters = this.budgets.window(entry.spec.key, entry.windowStart);
          counters.held -= entry.held;
          counters.used += entry.held;
        }
      }
      reservation.status = "expired";
      expired.push({ id, tokens: reservation.tokens, costNano: reservation.costNano });
    }
    for (const [id, until] of this.tombstones) if (until <= nowMs) this.tombstones.delete(id);
    for (const [id, reservation] of this.reservations) {
      if (reservation.status === "expired" && reservation.deadlineMs + TOMBSTONE_MS <= nowMs)
        this.reservations.delete(id);
    }
    this.forgetIdle(nowMs);
    return expired;
  }

  /** Every limit's state now, without deciding anything (for `/v1/me` and the limits API). */
  quota(specs: readonly LimitSpec[]): (LimitState | undefined)[] {
    const nowMs = this.nowMs();
    const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
    return specs.map((spec) => {
      if (spec.kind === "rate") return rateState(spec, this.effectiveTat(spec, nowUs), nowUs);
      if (spec.kind === "concurrency") {
        return { remaining: Math.max(0, spec.max - this.slotsInUse(spec.key, nowMs).slots), resetMs: 0 };
      }
      const window = windowIndex(spec.boundaries, nowMs);
      if (window === -1) return undefined;
      const counters = this.budgets.peek(spec.key, spec.boundaries[window] as number);
      const committed = (counters?.used ?? 0) + (counters?.held ?? 0);
      const resetMs = Math.ceil((spec.boundaries[window + 1] as number) - nowMs);
      return { remaining: Math.max(0, spec.amountNano - committed), resetMs };
    });
  }

  /** Spend per budget window, for persistence: [key, window start, used nano-USD]. */
  spend(): [string, number, number][] {
    return this.budgets.spend();
  }

  /** Restores spend loaded from persistence (before any admission). */
  restoreSpend(rows: readonly [string, number, number][]): void {
    for (const [key, start, used] of rows) this.budgets.window(key, start).used = used;
  }

  /** Adds a one-off amount to a budget window (an audited top-up is a negative spend). */
  adjustSpend(key: string, windowStart: number, deltaNano: number): void {
    this.budgets.window(key, windowStart).used += deltaNano;
  }

  private renewOne(id: string, reservation: Reservation, nowMs: number): void {
    reservation.deadlineMs = nowMs + reservation.leaseMs;
    for (const entry of reservation.entries) {
      if (entry.spec.kind === "concurrency") this.leases.get(entry.spec.key)?.set(id, reservation.deadlineMs);
    }
  }

  /**
   * A rate limit's TAT with the units held in grants counted as admitted now: a worker may use them at any
   * moment, so every decision treats them as taken until they come back.
   */
  effectiveTat(spec: RateSpec, nowUs: number): number | undefined {
    const tat = this.tats.get(spec.key);
    const outstanding = this.grants.outstandingUnits(spec.key);
    if (outstanding === 0) return tat;
    return Math.max(tat ?? nowUs, nowUs) + outstanding * intervalUs(spec);
  }

  /** Stores a TAT decided over `effectiveTat`: the grants' units stay counted apart. */
  storeTat(spec: RateSpec, effective: number): void {
    const outstanding = this.grants.outstandingUnits(spec.key);
    this.tats.set(spec.key, effective - outstanding * intervalUs(spec));
  }

  /**
   * Books `units` of a rate limit as admitted now (a returned grant's used units, or a lost grant's all); with
   * `relative`, moves the TAT by them as a settle does (a correction of units booked before).
   */
  bookRate(spec: RateSpec, units: number, nowUs: number, relative = false): void {
    const tat = this.tats.get(spec.key);
    if (units >= 0 && !relative)
      this.tats.set(spec.key, Math.max(tat ?? nowUs, nowUs) + units * intervalUs(spec));
    else this.tats.set(spec.key, settleRate(spec, tat, nowUs, units));
  }

  /** Requests in flight on a concurrency limit (reservations' leases and granted slots), and the first to free. */
  slotsInUse(key: string, nowMs: number): { slots: number; earliestMs: number } {
    const leases = this.liveLeases(key, nowMs);
    const granted = this.grants.slotsHeld(key, nowMs);
    let earliestMs = granted.earliestMs;
    for (const expiry of leases.values()) earliestMs = Math.min(earliestMs, expiry);
    return { slots: leases.size + granted.slots, earliestMs };
  }

  /** A reservation's leases, live ones only (expired ones are dropped). */
  private liveLeases(key: string, nowMs: number): Map<string, number> {
    const leases = this.leaseSet(key);
    for (const [id, expiry] of leases) if (expiry <= nowMs) leases.delete(id);
    return leases;
  }

  private leaseSet(key: string): Map<string, number> {
    let leases = this.leases.get(key);
    if (leases === undefined) {
      leases = new Map();
      this.leases.set(key, leases);
    }
    return leases;
  }

  /** Drops state that no longer constrains anything: TATs in the past, empty lease sets, old windows. */
  private forgetIdle(nowMs: number): void {
    const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
    this.budgets.forgetOld(nowMs);
    for (const [key, tat] of this.tats) if (tat <= nowUs) this.tats.delete(key);
    for (const [key, leases] of this.leases) {
      for (const [id, expiry] of leases) if (expiry <= nowMs) leases.delete(id);
      if (leases.size === 0) this.leases.delete(key);
    }
  }
}
