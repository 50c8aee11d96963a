import { LEDGER_GRANT_TTL_MS } from "./grant-policy.js";
import type { RateSpec } from "./limit-spec.js";

/** Units of a rate limit handed to a worker; booked when it comes back (or wholly, when it never does). */
export interface RateGrant {
  kind: "rate";
  holder: string;
  spec: RateSpec;
  units: number;
  deadlineMs: number;
  /** Asked back already (a second recall would not bring anything more). */
  recalled?: boolean;
}

/** Concurrency slots handed to a worker: held like leases, renewed while in use, freed when they expire. */
export interface SlotGrant {
  kind: "slots";
  holder: string;
  key: string;
  slots: number;
  deadlineMs: number;
  leaseMs: number;
  recalled?: boolean;
}

export type LedgerGrant = RateGrant | SlotGrant;

/**
 * The ledger's record of the grants it handed out: the units of each rate limit that workers hold (counted as
 * consumed in every decision until they come back) and the concurrency slots they hold (counted as in flight).
 */
export class GrantBook {
  private counter = 0;
  private readonly grants = new Map<string, LedgerGrant>();
  /** Rate limits: units in open grants, by limit key. */
  private readonly outstanding = new Map<string, number>();
  /** Concurrency limits: open grant ids, by limit key. */
  private readonly slotGrants = new Map<string, Set<string>>();
  /** The open grant of each holder on each limit (one at a time: a holder asking again gave its last back). */
  private readonly byHolder = new Map<string, string>();

  get size(): number {
    return this.grants.size;
  }

  /** Units of a rate limit held in open grants. */
  outstandingUnits(key: string): number {
    return this.outstanding.get(key) ?? 0;
  }

  /** Slots of a concurrency limit held in live grants, and when the first of them expires. */
  slotsHeld(key: string, nowMs: number): { slots: number; earliestMs: number } {
    const ids = this.slotGrants.get(key);
    let slots = 0;
    let earliestMs = Number.POSITIVE_INFINITY;
    if (ids === undefined) return { slots, earliestMs };
    for (const id of ids) {
      const grant = this.grants.get(id) as SlotGrant;
      if (grant.deadlineMs <= nowMs) continue;
      slots += grant.slots;
      earliestMs = Math.min(earliestMs, grant.deadlineMs);
    }
    return { slots, earliestMs };
  }

  /** The open grants on a limit not asked back yet (what a recall could still bring back). */
  recallable(key: string): string[] {
    const ids: string[] = [];
    for (const id of this.slotGrants.get(key) ?? []) if (this.grants.get(id)?.recalled !== true) ids.push(id);
    if (this.outstandingUnits(key) > 0) {
      for (const [id, grant] of this.grants)
        if (grant.kind === "rate" && grant.spec.key === key && grant.recalled !== true) ids.push(id);
    }
    return ids;
  }

  /** Marks grants as asked back. */
  markRecalled(ids: readonly string[]): void {
    for (const id of ids) {
      const grant = this.grants.get(id);
      if (grant !== undefined) grant.recalled = true;
    }
  }

  /** Whether this holder has an open grant on the limit. */
  holds(holder: string, key: string): boolean {
    return this.byHolder.has(`${holder} ${key}`);
  }

  openRate(holder: string, spec: RateSpec, units: number, nowMs: number): string {
    const id = this.nextId();
    this.grants.set(id, { kind: "rate", holder, spec, units, deadlineMs: nowMs + LEDGER_GRANT_TTL_MS });
    this.byHolder.set(`${holder} ${spec.key}`, id);
    this.outstanding.set(spec.key, this.outstandingUnits(spec.key) + units);
    return id;
  }

  openSlots(holder: string, key: string, slots: number, nowMs: number, leaseMs: number): string {
    const id = this.nextId();
    this.grants.set(id, { kind: "slots", holder, key, slots, deadlineMs: nowMs + leaseMs, leaseMs });
    this.byHolder.set(`${holder} ${key}`, id);
    let ids = this.slotGrants.get(key);
    if (ids === undefined) {
      ids = new Set();
      this.slotGrants.set(key, ids);
    }
    ids.add(id);
    return id;
  }

  get(id: string): LedgerGrant | undefined {
    return this.grants.get(id);
  }

  /** Shrinks a slot grant to the slots still in use. */
  shrink(grant: SlotGrant, slots: number): void {
    grant.slots = Math.min(grant.slots, Math.max(0, slots));
  }

  /** Closes a grant: its units or slots stop being held. */
  close(id: string): LedgerGrant | undefined {
    const grant = this.grants.get(id);
    if (grant === undefined) return undefined;
    this.grants.delete(id);
    const held = `${grant.holder} ${grant.kind === "rate" ? grant.spec.key : grant.key}`;
    if (this.byHolder.get(held) === id) this.byHolder.delete(held);
    if (grant.kind === "rate") {
      const left = this.outstandingUnits(grant.spec.key) - grant.units;
      if (left > 0) this.outstanding.set(grant.spec.key, left);
      else this.outstanding.delete(grant.spec.key);
    } else {
      const ids = this.slotGrants.get(grant.key);
      ids?.delete(id);
      if (ids?.size === 0) this.slotGrants.delete(grant.key);
    }
    return grant;
  }

  /** A live holder keeps its slot grant (requests still in flight on it). */
  renew(id: string, nowMs: number): void {
    const grant = this.grants.get(id);
    if (grant?.kind === "slots") grant.deadlineMs = nowMs + grant.leaseMs;
  }

  /** Closes and answers the grants whose holders stopped renewing or returning them. */
  closeExpired(nowMs: number): LedgerGrant[] {
    const expired: LedgerGrant[] = [];
    for (const [id, grant] of this.grants) {
      if (grant.deadlineMs > nowMs) continue;
      this.close(id);
      expired.push(grant);
    }
    return expired;
  }

  private nextId(): string {
    return `g${(++this.counter).toString(36)}`;
  }
}
