import { nanoToUsd } from "../config/governance/limit-blocks.js";
import type { GovernedCall } from "../governance/governed-call.js";
import type { LimitState, RateSpec } from "../governance/limits/limit-spec.js";
import { costOf } from "../governance/prices/cost.js";

/**
 * OpenAI's rate-limit headers for the tightest limit of each kind that applied (requests, tokens), the
 * tightest budget's remaining amount, and, once known, the request's cost. `reset` is a duration as OpenAI
 * writes it (`1s`, `6m0s`, `20ms`).
 */
export function governanceHeaders(call: GovernedCall): Record<string, string> {
  const headers: Record<string, string> = {};
  const reservation = call.reservation;
  if (reservation !== undefined) {
    let requests: [RateSpec, LimitState] | undefined;
    let tokens: [RateSpec, LimitState] | undefined;
    let budget: LimitState | undefined;
    reservation.specs.forEach((spec, index) => {
      const state = reservation.states[index];
      if (state === undefined) return;
      if (spec.kind === "rate") {
        const tightest = spec.unit === "requests" ? requests : tokens;
        if (tightest === undefined || state.remaining < tightest[1].remaining) {
          if (spec.unit === "requests") requests = [spec, state];
          else tokens = [spec, state];
        }
      } else if (spec.kind === "budget" && spec.action === "reject") {
        if (budget === undefined || state.remaining < budget.remaining) budget = state;
      }
    });
    if (requests !== undefined) addRate(headers, "requests", requests);
    if (tokens !== undefined) addRate(headers, "tokens", tokens);
    if (budget !== undefined) headers["x-switchyard-budget-remaining-usd"] = nanoToUsd(budget.remaining);
  }
  // A relayed answer is sent from inside its work, before the call is settled: its cost is computed here.
  const cost =
    call.accounted?.cost ??
    (call.usage === undefined
      ? undefined
      : costOf(call.target?.price ?? reservation?.price, call.usage, call.startedAtMs));
  if (cost?.priced === true) headers["x-switchyard-cost-usd"] = nanoToUsd(cost.nano);
  return headers;
}

function addRate(headers: Record<string, string>, kind: string, [spec, state]: [RateSpec, LimitState]): void {
  headers[`x-ratelimit-limit-${kind}`] = String(spec.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
  headers[`x-ratelimit-reset-${kind}`] = duration(state.resetMs);
}

/** Milliseconds as a Go-style duration, the format of OpenAI's reset headers. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
