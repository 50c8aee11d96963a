import { decideRate, rateState, STORE_EPOCH_MS } from "./gcra.js";
import { GRANT_HEADROOM, type GrantInfo, type GrantRelease, grantSize, rateCost } from "./grant-policy.js";
import type { LimitLedger } from "./limit-ledger.js";
import type { LimitSpec, RateSpec } from "./limit-spec.js";

/**
 * The ledger's side of grants (see grant-policy.ts): handing blocks of capacity out after an admission,
 * taking them back, and the two decisions a worker's own admissions may still need from the ledger (a
 * stream's top-up beyond its grant, a settle after its grant went back). Each function is one synchronous
 * step of the ledger, atomic like every other.
 */

/**
 * After an admission over `specs`: grants a block on each limit at `want` that is far from exhausted.
 * A limit close to its end gets nothing (its next requests are decided here, one by one, exactly).
 */
export function grantCapacity(
  ledger: LimitLedger,
  holder: string,
  specs: readonly LimitSpec[],
  want: readonly number[],
  tokens: number,
  leaseMs: number,
): GrantInfo[] {
  const nowMs = ledger.now();
  const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
  const grants: GrantInfo[] = [];
  for (const index of want) {
    const spec = specs[index];
    if (spec === undefined) continue;
    const units = grantSize(spec, tokens);
    if (units === 0 || ledger.grants.holds(holder, spec.key)) continue;
    if (spec.kind === "rate") {
      // The grant, and HEADROOM grants after it, must fit: otherwise the limit is too near its end.
      const fits = decideRate(spec, ledger.effectiveTat(spec, nowUs), nowUs, units * (GRANT_HEADROOM + 1));
      if (!fits.ok) continue;
      const id = ledger.grants.openRate(holder, spec, units, nowMs);
      grants.push({ id, index, units, state: rateState(spec, ledger.effectiveTat(spec, nowUs), nowUs) });
    } else if (spec.kind === "concurrency") {
      const held = ledger.slotsInUse(spec.key, nowMs).slots;
      if (held + units * (GRANT_HEADROOM + 1) > spec.max) continue;
      const id = ledger.grants.openSlots(holder, spec.key, units, nowMs, leaseMs);
      grants.push({ id, index, units, state: { remaining: spec.max - held - units, resetMs: 0 } });
    }
  }
  return grants;
}

/** Takes grants back: a rate grant's used units are booked now, the rest returns; a slot grant shrinks. */
export function releaseGrants(ledger: LimitLedger, releases: readonly GrantRelease[]): void {
  const nowMs = ledger.now();
  const nowUs = (nowMs - STORE_EPOCH_MS) * 1000;
  for (const release of releases) {
    const grant = ledger.grants.get(release.id);
    // Unknown: it expired and was booked whole already (a holder that was too slow), nothing left to do.
    if (grant === undefined) continue;
    if (grant.kind === "slots") {
      if (release.used > 0) ledger.grants.shrink(grant, release.used);
      else ledger.grants.close(release.id);
      continue;
    }
    ledger.grants.close(release.id);
    ledger.bookRate(grant.spec, release.used, nowUs);
  }
}

/**
 * More tokens for a request a worker admitted from its grants (a stream's top-up beyond what its grants have
 * left): all or nothing over the token rates given. Answers the index of the first one that refused.
 */
export function takeUnits(
  ledger: LimitLedger,
  specs: readonly RateSpec[],
  tokens: number,
): { ok: true } | { ok: false; denied: number } {
  const nowUs = (ledger.now() - STORE_EPOCH_MS) * 1000;
  const tats: number[] = [];
  for (const [index, spec] of specs.entries()) {
    const decision = decideRate(spec, ledger.effectiveTat(spec, nowUs), nowUs, rateCost(spec, tokens));
    if (!decision.ok) return { ok: false, denied: index };
    tats.push(decision.tat);
  }
  for (const [index, spec] of specs.entries()) ledger.storeTat(spec, tats[index] as number);
  return { ok: true };
}

/**
 * A settle's difference (used minus held) for a request admitted from a grant that has gone back since:
 * moved on the limit itself, as a central settle moves it.
 */
export function adjustRate(ledger: LimitLedger, spec: RateSpec, difference: number): void {
  const nowUs = (ledger.now() - STORE_EPOCH_MS) * 1000;
  ledger.bookRate(spec, difference, nowUs, true);
}
