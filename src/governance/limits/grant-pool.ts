import { GRANT_TTL_MS, type GrantInfo, type GrantRelease, isGrantable, rateCost } from "./grant-policy.js";
import type { AdmitRequest, AdmitResult, LimitSpec, LimitState, RateSpec } from "./limit-spec.js";

/** A grant this worker holds: it admits from it until it is used up, expires, or is recalled. */
interface LocalGrant {
  id: string;
  spec: LimitSpec;
  units: number;
  /** Rates: units used (requests, or tokens reserved and settled); may exceed `units` through overage. */
  used: number;
  /** Concurrency: slots held by requests in flight. */
  inUse: number;
  /** This process' monotonic clock: no admission from the grant at or after it. */
  expiresAt: number;
  /** The limit's remaining capacity beyond every grant, when this one was granted. */
  remainingAtGrant: number;
  resetMs: number;
  /** False once given back: requests still running on it settle with the ledger. */
  live: boolean;
}

/** A request admitted from grants: what it holds on each. */
interface LocalReservation {
  grants: LocalGrant[];
  /** Tokens reserved (estimate and top-ups): a settle moves the token rates by what was used beyond them. */
  tokens: number;
}

/** What the pool needs from its store: sending grants back and corrections, off the request's path. */
export interface GrantPoolLink {
  release(release: GrantRelease): void;
  adjust(spec: RateSpec, difference: number): void;
}

/**
 * A worker's grants (grant-policy.ts): admissions decided here, synchronously, when every limit of a request
 * has a live grant with room, all or nothing, as the ledger decides. Anything else goes to the ledger.
 */
export class GrantPool {
  private readonly live = new Map<string, LocalGrant>();
  /** Slot grants given back with requests still in flight on them: each end is reported. */
  private readonly draining = new Map<string, LocalGrant>();
  private readonly reservations = new Map<string, LocalReservation>();
  /** Recalls seen, by limit key: a grant answered after a recall of its limit goes back at once. */
  private readonly recalledAt = new Map<string, number>();
  private recallCount = 0;

  constructor(
    private readonly link: GrantPoolLink,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.live.size;
  }

  /** Admits from the grants, or answers undefined (the ledger decides). Never partial. */
  admit(request: AdmitRequest): AdmitResult | undefined {
    if (this.live.size === 0) return undefined;
    const now = this.clock();
    const grants: LocalGrant[] = [];
    for (const spec of request.specs) {
      const grant = this.live.get(spec.key);
      if (grant === undefined || grant.expiresAt <= now) return undefined;
      // A reload (or MLflow's limits API) changed the limit: what was granted under the old one goes back.
      if (grant.spec !== spec && !sameLimit(grant.spec, spec)) {
        this.giveBack(grant);
        return undefined;
      }
      if (spec.kind === "rate") {
        if (grant.used + rateCost(spec, request.tokens) > grant.units) return undefined;
      } else if (grant.inUse + 1 > grant.units) return undefined;
      grants.push(grant);
    }
    const states: LimitState[] = [];
    for (const grant of grants) {
      const spec = grant.spec;
      if (spec.kind === "rate") grant.used += rateCost(spec, request.tokens);
      else grant.inUse += 1;
      const left = spec.kind === "rate" ? grant.units - grant.used : grant.units - grant.inUse;
      states.push({ remaining: grant.remainingAtGrant + Math.max(0, left), resetMs: grant.resetMs });
    }
    this.reservations.set(request.id, { grants, tokens: request.tokens });
    return { ok: true, states, alerts: [] };
  }

  /**
   * The limits of a request the ledger is about to decide that this worker should ask grants for: those
   * without a live grant with room (the old one goes back now, with the same message). Undefined when some
   * limit is never granted (the request would always need the ledger: grants would only hold capacity idle).
   */
  wanted(request: AdmitRequest): number[] | undefined {
    if (!request.specs.every((spec) => isGrantable(spec, request.tokens))) return undefined;
    const now = this.clock();
    const want: number[] = [];
    for (const [index, spec] of request.specs.entries()) {
      const grant = this.live.get(spec.key);
      if (grant !== undefined && grant.expiresAt > now && this.hasRoom(grant, request.tokens)) continue;
      if (grant !== undefined) this.giveBack(grant);
      want.push(index);
    }
    return want;
  }

  /** A recall mark to compare with when the answer comes. */
  mark(): number {
    return this.recallCount;
  }

  /** Takes the grants an admission brought; `askedAt` is when it was asked (the grant's life starts then). */
  accept(specs: readonly LimitSpec[], grants: readonly GrantInfo[], askedAt: number, mark: number): void {
    for (const info of grants) {
      const spec = specs[info.index];
      if (spec === undefined) continue;
      const grant: LocalGrant = {
        id: info.id,
        spec,
        units: info.units,
        used: 0,
        inUse: 0,
        expiresAt: askedAt + GRANT_TTL_MS,
        remainingAtGrant: info.state.remaining,
        resetMs: info.state.resetMs,
        live: true,
      };
      if ((this.recalledAt.get(spec.key) ?? -1) > mark) {
        this.link.release({ id: grant.id, used: 0 });
        continue;
      }
      const previous = this.live.get(spec.key);
      if (previous !== undefined) this.giveBack(previous);
      this.live.set(spec.key, grant);
    }
  }

  /** Whether the request was admitted here (its settle, top-ups and renewals are this pool's). */
  owns(id: string): boolean {
    return this.reservations.has(id);
  }

  /**
   * Tops up a request admitted here by `extraTokens` on its token rates, from their grants when they all have
   * room. Otherwise answers the token rates the ledger must decide over (the top-up is then the ledger's).
   */
  topUp(id: string, extraTokens: number): { ok: true } | { ok: false; specs: RateSpec[] } {
    const reservation = this.reservations.get(id);
    if (reservation === undefined || extraTokens <= 0) return { ok: true };
    const tokenGrants = reservation.grants.filter(
      (grant) => grant.spec.kind === "rate" && grant.spec.unit === "tokens",
    );
    const local = tokenGrants.every(
      (grant) => grant.live && grant.expiresAt > this.clock() && grant.used + extraTokens <= grant.units,
    );
    if (!local) return { ok: false, specs: tokenGrants.map((grant) => grant.spec as RateSpec) };
    for (const grant of tokenGrants) grant.used += extraTokens;
    reservation.tokens += extraTokens;
    return { ok: true };
  }

  /** The ledger took a top-up for a request admitted here: later settles count it as reserved. */
  toppedUp(id: string, extraTokens: number): void {
    const reservation = this.reservations.get(id);
    if (reservation !== undefined) reservation.tokens += extraTokens;
  }

  /** Settles a request admitted here: its tokens' difference and its slots go back to its grants. */
  settle(id: string, tokens: number): void {
    const reservation = this.reservations.get(id);
    if (reservation === undefined) return;
    this.reservations.delete(id);
    const difference = tokens - reservation.tokens;
    for (const grant of reservation.grants) {
      const spec = grant.spec;
      if (spec.kind === "concurrency") {
        grant.inUse -= 1;
        if (!grant.live) {
          this.link.release({ id: grant.id, used: grant.inUse });
          if (grant.inUse === 0) this.draining.delete(grant.id);
        }
      } else if (spec.kind === "rate" && spec.unit === "tokens" && difference !== 0) {
        if (grant.live) grant.used += difference;
        else this.link.adjust(spec, difference);
      }
    }
  }

  /** Slot grants with requests in flight: their holder is alive, the ledger keeps them. */
  renewable(): string[] {
    const ids: string[] = [];
    for (const grant of this.live.values()) if (grant.spec.kind === "concurrency") ids.push(grant.id);
    for (const grant of this.draining.values()) ids.push(grant.id);
    return ids;
  }

  /** The ledger asks these limits' grants back (it would refuse a request without them). */
  recall(keys: readonly string[]): void {
    this.recallCount += 1;
    for (const key of keys) {
      this.recalledAt.set(key, this.recallCount);
      const grant = this.live.get(key);
      if (grant !== undefined) this.giveBack(grant);
      // Slots still in flight after an earlier give-back: answer with what is still used.
      for (const draining of this.draining.values())
        if (draining.spec.key === key && draining !== grant)
          this.link.release({ id: draining.id, used: draining.inUse });
    }
    if (this.recalledAt.size > 1024) this.recalledAt.clear();
  }

  /** Gives back the grants that expired (a rate grant must not be used long after it was counted). */
  expire(): void {
    const now = this.clock();
    for (const grant of this.live.values()) if (grant.expiresAt <= now) this.giveBack(grant);
  }

  /** Gives every grant back (the process is stopping). */
  releaseAll(): void {
    for (const grant of [...this.live.values()]) this.giveBack(grant);
  }

  private hasRoom(grant: LocalGrant, tokens: number): boolean {
    const spec = grant.spec;
    if (spec.kind === "rate") return grant.used + rateCost(spec, tokens) <= grant.units;
    return grant.inUse < grant.units;
  }

  private giveBack(grant: LocalGrant): void {
    if (!grant.live) return;
    grant.live = false;
    if (this.live.get(grant.spec.key) === grant) this.live.delete(grant.spec.key);
    if (grant.spec.kind === "concurrency") {
      if (grant.inUse > 0) this.draining.set(grant.id, grant);
      this.link.release({ id: grant.id, used: grant.inUse });
    } else this.link.release({ id: grant.id, used: grant.used });
  }
}

/** Whether two specs of one key are the same limit (a config reload builds new spec objects). */
function sameLimit(a: LimitSpec, b: LimitSpec): boolean {
  if (a.kind === "rate" && b.kind === "rate")
    return a.limit === b.limit && a.burst === b.burst && a.windowMs === b.windowMs && a.unit === b.unit;
  if (a.kind === "concurrency" && b.kind === "concurrency") return a.max === b.max;
  return false;
}
