import { nanoToUsd } from "../config/governance/limit-blocks.js";
import { accountRequest } from "../governance/call-account.js";
import type { GovernedCall } from "../governance/governed-call.js";
import type { LimitSpec, LimitState, RateSpec } from "../governance/limits/limit-spec.js";
import type { HeaderSink } from "./header-sink.js";

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
export function writeGovernanceHeaders(call: GovernedCall, failed: boolean, sink: HeaderSink): void {
  const reservation = call.reservation;
  if (reservation !== undefined) {
    // Indexes of the tightest limit of each kind, not a pair per candidate: this runs on every limited answer.
    let requests = -1;
    let tokens = -1;
    let budget = -1;
    const { specs, states } = reservation;
    for (let index = 0; index < specs.length; index++) {
      const spec = specs[index] as LimitSpec;
      const state = states[index];
      if (state === undefined) continue;
      if (spec.kind === "rate") {
        if (spec.unit === "requests") {
          if (requests === -1 || state.remaining < remainingAt(states, requests)) requests = index;
        } else if (tokens === -1 || state.remaining < remainingAt(states, tokens)) tokens = index;
      } else if (spec.kind === "budget" && spec.action === "reject") {
        if (budget === -1 || state.remaining < remainingAt(states, budget)) budget = index;
      }
    }
    if (requests !== -1)
      addRate(sink, RATE_HEADERS.requests, specs[requests] as RateSpec, states[requests] as LimitState);
    if (tokens !== -1)
      addRate(sink, RATE_HEADERS.tokens, specs[tokens] as RateSpec, states[tokens] as LimitState);
    if (budget !== -1) sink.header(BUDGET_HEADER, nanoToUsd(remainingAt(states, budget)));
  }
  // A relayed answer is sent from inside its work, before the call is settled: its account (computed once,
  // and shared with settle and the usage record) is fixed here, as soon as the answer's usage is known.
  const cost = call.usage === undefined ? call.accounted?.cost : accountRequest(call, failed).cost;
  if (cost?.priced === true) sink.header(COST_HEADER, nanoToUsd(cost.nano));
}

function remainingAt(states: readonly LimitState[], index: number): number {
  return (states[index] as LimitState).remaining;
}

function addRate(
  sink: HeaderSink,
  names: readonly [string, string, string],
  spec: RateSpec,
  state: LimitState,
): void {
  sink.header(names[0], String(spec.limit));
  sink.header(names[1], String(state.remaining));
  sink.header(names[2], duration(state.resetMs));
}

/**
 * Milliseconds as a Go-style duration, the format of OpenAI's reset headers (`20ms`, `1.5s`, `6m0s`, `1h2m3.004s`).
 * Integer arithmetic: on every limited response, where `toFixed` would cost more than the rest of the headers.
 */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = secondsText(total % 60_000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** Seconds with at most three decimals and no trailing zeros, as Go prints them (`0s`, `1.5s`, `59.005s`). */
function secondsText(millis: number): string {
  const whole = Math.floor(millis / 1000);
  const fraction = millis % 1000;
  if (fraction === 0) return `${whole}s`;
  const digits =
    fraction % 100 === 0
      ? String(fraction / 100)
      : fraction % 10 === 0
        ? String(fraction / 10).padStart(2, "0")
        : String(fraction).padStart(3, "0");
  return `${whole}.${digits}s`;
}
