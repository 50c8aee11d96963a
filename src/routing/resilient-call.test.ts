import { describe, expect, it } from "vitest";
import { GatewayError } from "../canonical/index.js";
import { DEFAULT_ROUTE_GOVERNANCE } from "../config/route-governance.js";
import { DEFAULT_UPSTREAM_TIMEOUTS } from "../config/route-timeouts.js";
import { RouteGovernance } from "../governance/route-governance.js";
import type { UpstreamTarget } from "../providers/upstream-target.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { callWithResilience } from "./resilient-call.js";
import type { Route, RouteTarget } from "./route-table.js";

function target(label: string, threshold = 5): RouteTarget {
  return {
    upstream: { providerName: label, model: label } as unknown as UpstreamTarget,
    pool: undefined,
    label,
    weight: 1,
    timeouts: DEFAULT_UPSTREAM_TIMEOUTS,
    breaker: new CircuitBreaker({ failureThreshold: threshold, cooldownMs: 60_000, rampUpMs: 0 }),
    price: undefined,
  };
}

function route(targets: RouteTarget[], maxAttempts = 2, budgetMs = 60_000): Route {
  return {
    name: "r",
    type: "llm/v1/chat",
    operation: "chat",
    strategy: "fallback",
    targets,
    retries: { maxAttempts, initialBackoffMs: 0, maxBackoffMs: 0, budgetMs },
    maxInFlight: null,
    governance: new RouteGovernance("r", DEFAULT_ROUTE_GOVERNANCE),
    targetModels: targets.map((target) => target.upstream.model),
  };
}

const unavailable = (): GatewayError =>
  new GatewayError("upstream_http_error", "down", { upstreamStatus: 503 });
const badRequest = (): GatewayError =>
  new GatewayError("upstream_http_error", "bad", { upstreamStatus: 400 });

/** An attempt that fails with the scripted errors per target, then succeeds with the target's label. */
function scripted(failures: Record<string, GatewayError[]>) {
  const calls: string[] = [];
  const attempt = async (candidate: RouteTarget): Promise<string> => {
    calls.push(candidate.label);
    const next = failures[candidate.label]?.shift();
    if (next !== undefined) throw next;
    return candidate.label;
  };
  return { calls, attempt };
}

const signal = new AbortController().signal;

describe("callWithResilience", () => {
  it("returns the first success without retrying", async () => {
    const { calls, attempt } = scripted({});
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result).toMatchObject({ value: "a", attempts: 1 });
    expect(calls).toEqual(["a"]);
  });

  it("retries a retryable failure on the same target", async () => {
    const { calls, attempt } = scripted({ a: [unavailable()] });
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result).toMatchObject({ value: "a", attempts: 2 });
    expect(calls).toEqual(["a", "a"]);
  });

  it("falls back to the next target when the first keeps failing", async () => {
    const { calls, attempt } = scripted({ a: [unavailable(), unavailable()] });
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["a", "a", "b"]);
  });

  it("neither retries nor falls back on the request's own fault", async () => {
    const { calls, attempt } = scripted({ a: [badRequest()] });
    await expect(
      callWithResilience(route([target("a"), target("b")]), signal, attempt),
    ).rejects.toMatchObject({ status: 400 });
    expect(calls).toEqual(["a"]);
  });

  it("reports the last failure when every attempt fails", async () => {
    const last = new GatewayError("upstream_timeout", "slow");
    const { attempt } = scripted({ a: [unavailable(), unavailable()], b: [unavailable(), last] });
    await expect(callWithResilience(route([target("a"), target("b")]), signal, attempt)).rejects.toBe(last);
  });

  it("tells the observer about every attempt, each failure, and lets it run the attempts", async () => {
    const seen: string[] = [];
    const { attempt } = scripted({ a: [unavailable(), unavailable()] });
    await callWithResilience(route([target("a"), target("b")]), signal, attempt, {
      started: (candidate, number) => seen.push(`${number}:${candidate.label}`),
      failed: (candidate, number, error, cancelled) =>
        seen.push(`failed ${number}:${candidate.label} ${(error as GatewayError).code} ${cancelled}`),
      run: (candidate, number, work) => {
        seen.push(`run ${number}:${candidate.label}`);
        return work();
      },
    });
    expect(seen).toEqual([
      "1:a",
      "run 1:a",
      "failed 1:a upstream_http_error false",
      "2:a",
      "run 2:a",
      "failed 2:a upstream_http_error false",
      "3:b",
      "run 3:b",
    ]);
  });

  it("skips a target whose circuit is open", async () => {
    const broken = target("a", 1);
    broken.breaker.recordFailure(Date.now());
    const { calls, attempt } = scripted({});
    const result = await callWithResilience(route([broken, target("b")]), signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["b"]);
  });

  it("answers 503 with Retry-After when every circuit is open", async () => {
    const targets = [target("a", 1), target("b", 1)];
    for (const candidate of targets) candidate.breaker.recordFailure(Date.now());
    const { calls, attempt } = scripted({});
    await expect(callWithResilience(route(targets), signal, attempt)).rejects.toMatchObject({
      status: 503,
      retryAfterSeconds: 60,
    });
    expect(calls).toEqual([]);
  });

  it("does not wait for a Retry-After longer than the budget: it falls back at once", async () => {
    const slowDown = new GatewayError("upstream_http_error", "later", {
      upstreamStatus: 429,
      retryAfterSeconds: 3600,
    });
    const { calls, attempt } = scripted({ a: [slowDown] });
    const result = await callWithResilience(route([target("a"), target("b")], 2, 5000), signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["a", "b"]);
  });

  it("stops when the client has gone", async () => {
    const controller = new AbortController();
    let calls = 0;
    const attempt = async (): Promise<string> => {
      calls++;
      controller.abort(new Error("client gone"));
      throw unavailable();
    };
    await expect(
      callWithResilience(route([target("a"), target("b")]), controller.signal, attempt),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(calls).toBe(1);
  });
});
