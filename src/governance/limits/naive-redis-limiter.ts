import type { Redis } from "ioredis";
import type { AdmitRequest, AdmitResult, LimitState } from "./limit-spec.js";
import type { RedisFunctionArguments } from "./redis-function-arguments.js";
import type { RedisFunctionClient } from "./redis-function-client.js";

/**
 * The control of the exactness suite, never used otherwise: a limiter that reads the counters, decides here
 * and writes back in separate round trips, as several peers do. Several processes then admit more than the
 * limit allows; the suite must see that.
 */
export async function naiveAdmit(
  redis: Redis,
  client: RedisFunctionClient,
  args: RedisFunctionArguments,
  request: AdmitRequest,
): Promise<AdmitResult> {
  const states: LimitState[] = [];
  const writes: [string, string][] = [];
  const nowUs = (Date.now() - Date.UTC(2025, 0, 1)) * 1000;
  for (const [index, spec] of request.specs.entries()) {
    if (spec.kind !== "rate") continue;
    const key = args.keyOf(spec);
    const tat = Number((await client.bounded(redis.get(key))) ?? Number.NaN);
    const interval = (spec.windowMs * 1000) / spec.limit;
    const start = Number.isNaN(tat) || tat < nowUs ? nowUs : tat;
    const next = start + (spec.unit === "requests" ? 1 : request.tokens) * interval;
    if (next - nowUs > spec.burst * interval + 0.001) {
      return {
        ok: false,
        denied: index,
        reason: "limit",
        retryAfterMs: 1000,
        state: { remaining: 0, resetMs: 1000 },
      };
    }
    states.push({ remaining: 0, resetMs: 0 });
    writes.push([key, next.toFixed(3)]);
  }
  for (const [key, value] of writes) await client.bounded(redis.set(key, value, "PX", 3_600_000));
  return { ok: true, states, alerts: [] };
}
