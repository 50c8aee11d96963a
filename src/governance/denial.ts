import { GatewayError, type RefusingLimit } from "../canonical/index.js";
import { nanoToUsd } from "../config/governance/limit-blocks.js";
import type { LimitLabel, LimitSpec, LimitState } from "./limits/limit-spec.js";

/** "1 minute", "1 hour", "30 days": a window in words, as MLflow's messages write it. */
export function windowInWords(windowMs: number): string {
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, name] of units) {
    if (windowMs % size === 0) {
      const count = windowMs / size;
      return `${count} ${name}${count === 1 ? "" : "s"}`;
    }
  }
  return `${windowMs} ms`;
}

/** "route 'chat'", "key 'ab12' on route 'chat'", "the gateway". */
export function describeLabel(label: LimitLabel): string {
  if (label.scope === "global") return "the gateway";
  if (label.scope === "route_key") {
    const [route, key] = label.id.split("/");
    return `key '${key}' on route '${route}'`;
  }
  return `${label.scope} '${label.id}'`;
}

function budgetPeriodWords(spec: LimitSpec & { kind: "budget" }, state: LimitState, nowMs: number): string {
  const boundaries = spec.boundaries;
  for (let index = 0; index + 1 < boundaries.length; index++) {
    const start = boundaries[index] as number;
    const end = boundaries[index + 1] as number;
    if (nowMs >= start && nowMs < end) return periodName(end - start);
  }
  return periodName(state.resetMs);
}

function periodName(lengthMs: number): string {
  if (lengthMs <= 3_600_000 + 60_000) return "1 hour";
  if (lengthMs <= 25 * 3_600_000) return "1 day";
  if (lengthMs <= 8 * 86_400_000) return "1 week";
  return "1 month";
}

/**
 * The 429 for a refused admission, naming the limit in every dialect (the error's `limit`): its scope, id,
 * name, size and when it has room again. `Retry-After` is the store's answer, in whole seconds rounded up.
 */
export function denialError(
  spec: LimitSpec,
  state: LimitState,
  retryAfterMs: number,
  never: boolean,
  nowMs: number,
  request: { tokens: number; costNano: number },
): GatewayError {
  const resetMs =
    spec.kind === "budget"
      ? (windowEnd(spec.boundaries, nowMs) ?? nowMs + state.resetMs)
      : nowMs + retryAfterMs;
  const resetAt = new Date(resetMs).toISOString();
  const where = describeLabel(spec.label);
  const retryAfterSeconds = never ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  const base = { scope: spec.label.scope, id: spec.label.id, name: spec.label.name, resetAt };
  if (spec.kind === "rate") {
    const per = windowInWords(spec.windowMs);
    const limit: RefusingLimit = { ...base, kind: "rate", unit: spec.unit, limit: spec.limit, per };
    const units = spec.unit === "tokens" ? "tokens" : "requests";
    const message = never
      ? `Request too large for limit '${spec.label.name}' of ${where}: it may use ${request.tokens} tokens, more than the ${spec.burst} the limit allows at once (${spec.limit} ${units} per ${per}).`
      : `Rate limit exceeded: limit '${spec.label.name}' of ${where} allows ${spec.limit} ${units} per ${per}; retry in ${retryAfterSeconds} s.`;
    return new GatewayError("rate_limited", message, {
      limit,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (spec.kind === "concurrency") {
    const limit: RefusingLimit = { ...base, kind: "concurrency", limit: spec.max };
    return new GatewayError(
      "concurrency_limited",
      `Too many requests in flight: ${where} allows ${spec.max} at once; retry in ${retryAfterSeconds} s.`,
      { limit, retryAfterSeconds: retryAfterSeconds ?? 1 },
    );
  }
  const per = budgetPeriodWords(spec, state, nowMs);
  const limit: RefusingLimit = { ...base, kind: "budget", limit: nanoToUsd(spec.amountNano), per };
  return new GatewayError(
    "budget_exceeded",
    `Budget exceeded: budget '${spec.label.name}' of ${where} ($${nanoToUsd(spec.amountNano)} per ${per}) has $${nanoToUsd(state.remaining)} left, and this request may cost up to $${nanoToUsd(request.costNano)}; it resets at ${resetAt}.`,
    { limit, retryAfterSeconds: retryAfterSeconds ?? 1 },
  );
}

function windowEnd(boundaries: readonly number[], nowMs: number): number | undefined {
  for (let index = 0; index + 1 < boundaries.length; index++) {
    if (nowMs >= (boundaries[index] as number) && nowMs < (boundaries[index + 1] as number))
      return boundaries[index + 1];
  }
  return undefined;
}

/** A stream whose reservation ran out and could not be topped up (`on_budget_exhausted_mid_stream: cut`). */
export function exhaustedError(spec: LimitSpec): GatewayError {
  const nowMs = Date.now();
  const denial = denialError(spec, { remaining: 0, resetMs: 0 }, 1000, false, nowMs, {
    tokens: 0,
    costNano: 0,
  });
  const what = spec.kind === "budget" ? "budget" : "limit";
  return new GatewayError(
    denial.code,
    `The stream was ended: ${what} '${spec.label.name}' of ${describeLabel(spec.label)} ran out while it was running.`,
    denial.limit === undefined ? {} : { limit: denial.limit },
  );
}

/**
 * The 429 for a fallback target whose price the reservation cannot cover: the budget has no room for the
 * difference, so the target is not called.
 */
export function fallbackDenialError(spec: LimitSpec, target: string, extraCostNano: number): GatewayError {
  const nowMs = Date.now();
  const end = spec.kind === "budget" ? windowEnd(spec.boundaries, nowMs) : undefined;
  const denial = denialError(
    spec,
    { remaining: 0, resetMs: 0 },
    (end ?? nowMs + 1000) - nowMs,
    false,
    nowMs,
    {
      tokens: 0,
      costNano: extraCostNano,
    },
  );
  return new GatewayError(
    denial.code,
    `Budget exceeded: budget '${spec.label.name}' of ${describeLabel(spec.label)} has no room for the fallback target '${target}', which may cost up to $${nanoToUsd(extraCostNano)} more than the reserved estimate; it was not called.`,
    {
      ...(denial.limit === undefined ? {} : { limit: denial.limit }),
      ...(denial.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: denial.retryAfterSeconds }),
    },
  );
}
