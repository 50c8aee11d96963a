import { nanoToUsd } from "../config/governance/limit-blocks.js";
import { accountRequest } from "../governance/call-account.js";
import type { GovernedCall } from "../governance/governed-call.js";
import type { LimitSpec, LimitState, RateSpec } from "../governance/limits/limit-spec.js";

/** OpenAI's rate-limit header names, per kind of limit: limit, remaining, reset. */
const RATE_HEADERS = {
  requests: ["x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"],
  tokens: ["x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"],
} as const;
const BUDGET_HEADER = "x-switchyard-budget-remaining-usd";
const COST_HEADER = "x-switchyard-cost-usd";

/** The headers these functions write: numbers the gateway computed, never anything a secret could be in. */
export const GOVERNANCE_HEADER_NAMES: readonly string[] = [
  ...RATE_HEADERS.requests,
  ...RATE_HEADERS.tokens,
  BUDGET_HEADER,
  COST_HEADER,
];

/**
 * OpenAI's rate-limit headers for the tightest limit of each kind that applied (requests, tokens), the
 * tightest budget's remaining amount, and, once known, the request's cost. `reset` is a duration as OpenAI
 * writes it (`1s`, `6m0s`, `20ms`). `failed`: the answer is an error (its account counts no estimate).
 */
export function governanceHeaders(call: GovernedCall, failed = false): Record<string, string> {
  const headers: Record<string, string> = {};
  const reservation = call.reservation;
  if (reservation !== undefined) {
    let requests: [RateSpec, LimitState] | undefined;
    let tokens: [RateSpec, LimitState] | undefined;
    let budget: LimitState | undefined;
    const { specs, states } = reservation;
    for (let index = 0; index < specs.length; index++) {
      const spec = specs[index] as LimitSpec;
      const state = states[index];
      if (state === undefined) continue;
      if (spec.kind === "rate") {
        if (spec.unit === "requests") {
          if (requests === undefined || state.remaining < requests[1].remaining) requests = [spec, state];
        } else if (tokens === undefined || state.remaining < tokens[1].remaining) tokens = [spec, state];
      } else if (spec.kind === "budget" && spec.action === "reject") {
        if (budget === undefined || state.remaining < budget.remaining) budget = state;
      }
    }
    if (requests !== undefined) addRate(headers, RATE_HEADERS.requests, requests);
    if (tokens !== undefined) addRate(headers, RATE_HEADERS.tokens, tokens);
    if (budget !== undefined) headers[BUDGET_HEADER] = nanoToUsd(budget.remaining);
  }
  // A relayed answer is sent from inside its work, before the call is settled: its account (computed once,
  // and shared with settle and the usage record) is fixed here, as soon as the answer's usage is known.
  const cost = call.usage === undefined ? call.accounted?.cost : accountRequest(call, failed).cost;
  if (cost?.priced === true) headers[COST_HEADER] = nanoToUsd(cost.nano);
  return headers;
}

function addRate(
  headers: Record<string, string>,
  [limitName, remainingName, resetName]: readonly [string, string, string],
  [spec, state]: [RateSpec, LimitState],
): void {
  headers[limitName] = String(spec.limit);
  headers[remainingName] = String(state.remaining);
  headers[resetName] = duration(state.resetMs);
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
