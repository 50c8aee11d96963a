import { describe, expect, it } from "vitest";
import { GatewayError } from "../canonical/index.js";
import { DEFAULT_FAILURE_POLICY, type FailurePolicy } from "../config/failure-policy.js";
import { DEFAULT_CIRCUIT_BREAKER } from "../config/resilience-settings.js";
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
    breaker: new CircuitBreaker({
      ...DEFAULT_CIRCUIT_BREAKER,
      failureThreshold: threshold,
      cooldownMs: 60_000,
      rampUpMs: 0,
    }),
    price: undefined,
  };
}

function route(
  targets: RouteTarget[],
  maxAttempts = 2,
  budgetMs = 60_000,
  options: { policy?: Partial<FailurePolicy>; failFast?: boolean } = {},
): Route {
  return {
    name: "r",
    type: "llm/v1/chat",
    operation: "chat",
    strategy: "fallback",
    targets,
    retries: { maxAttempts, initialBackoffMs: 0, maxBackoffMs: 100, budgetMs },
    failurePolicy: { ...DEFAULT_FAILURE_POLICY, ...options.policy },
    circuitBreaker: { ...DEFAULT_CIRCUIT_BREAKER, failFast: options.failFast ?? false },
    maxInFlight: null,
    governance: new RouteGovernance("r", DEFAULT_ROUTE_GOVERNANCE),
    targetModels: targets.map((target) => target.upstream.model),
  };
}

const unavailable = (): GatewayError =>
  new GatewayError("upstream_http_error", "down", { upstreamStatus: 500 });
const overloaded = (): GatewayError =>
  new GatewayError("upstream_http_error", "busy", { upstreamStatus: 503 });
const silent = (): GatewayError => new GatewayError("upstream_timeout", "silent");
const tooLong = (): GatewayError =>
  new GatewayError("upstream_http_error", "too long", { upstreamStatus: 400, failureKind: "context_length" });
const refused = (): GatewayError =>
  new GatewayError("upstream_http_error", "refused", { upstreamStatus: 400, failureKind: "content_filter" });
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
      failed: (candidate, number, error, cancelled, failure) =>
        seen.push(
          `failed ${number}:${candidate.label} ${(error as GatewayError).code} ${cancelled}: ${failure?.kind} -> ${failure?.next}`,
        ),
      run: (candidate, number, work) => {
        seen.push(`run ${number}:${candidate.label}`);
        return work();
      },
    });
    expect(seen).toEqual([
      "1:a",
      "run 1:a",
      "failed 1:a upstream_http_error false: server_error -> retry",
      "2:a",
      "run 2:a",
      "failed 2:a upstream_http_error false: server_error -> fallback",
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

  it("answers 503 with Retry-After when every circuit is open and the route asks to fail fast", async () => {
    const targets = [target("a", 1), target("b", 1)];
    for (const candidate of targets) candidate.breaker.recordFailure(Date.now());
    const { calls, attempt } = scripted({});
    await expect(
      callWithResilience(route(targets, 2, 60_000, { failFast: true }), signal, attempt),
    ).rejects.toMatchObject({ status: 503, retryAfterSeconds: 60 });
    expect(calls).toEqual([]);
  });

  it("tries the target that has rested longest when every circuit is open (panic mode)", async () => {
    const [a, b] = [target("a", 1), target("b", 1)];
    b.breaker.recordFailure(Date.now() - 5000);
    a.breaker.recordFailure(Date.now());
    const { calls, attempt } = scripted({});
    const panicked: string[] = [];
    const result = await callWithResilience(route([a, b]), signal, attempt, {
      started: () => {},
      failed: () => {},
      panicked: (candidate) => panicked.push(candidate.label),
    });
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["b"]);
    expect(panicked).toEqual(["b"]);
    // Its success proves the target is back: traffic returns to it.
    expect(b.breaker.state).not.toBe("open");
  });

  it("serves a single-target route whose circuit is open rather than refusing it", async () => {
    const only = target("a", 1);
    only.breaker.recordFailure(Date.now());
    const { calls, attempt } = scripted({});
    const result = await callWithResilience(route([only]), signal, attempt);
    expect(result.value).toBe("a");
    expect(calls).toEqual(["a"]);
  });

  it("moves on at once from an overloaded target", async () => {
    const { calls, attempt } = scripted({ a: [overloaded()] });
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["a", "b"]);
  });

  it("moves on at once from a silent target: no second wait on it", async () => {
    const { calls, attempt } = scripted({ a: [silent()] });
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["a", "b"]);
  });

  it("retries a single target's timeout: with no other target, another try is the only rescue", async () => {
    const { calls, attempt } = scripted({ a: [silent(), silent()] });
    await expect(callWithResilience(route([target("a")]), signal, attempt)).rejects.toMatchObject({
      code: "upstream_timeout",
    });
    expect(calls).toEqual(["a", "a"]);
  });

  it("does not retry a request's own fault on a single target", async () => {
    const refused = new GatewayError("upstream_http_error", "bad", { upstreamStatus: 400 });
    const { calls, attempt } = scripted({ a: [refused] });
    await expect(callWithResilience(route([target("a")]), signal, attempt)).rejects.toBe(refused);
    expect(calls).toEqual(["a"]);
  });

  it("retries a 429 after its Retry-After when that is within max_backoff_seconds", async () => {
    const slowDown = new GatewayError("upstream_http_error", "later", {
      upstreamStatus: 429,
      retryAfterSeconds: 0.05,
    });
    const { calls, attempt } = scripted({ a: [slowDown] });
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result.target.label).toBe("a");
    expect(calls).toEqual(["a", "a"]);
  });

  it("falls back on a context too long, to a target that may have a larger window", async () => {
    const { calls, attempt } = scripted({ a: [tooLong()] });
    const result = await callWithResilience(route([target("a"), target("b")]), signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["a", "b"]);
  });

  it("keeps a context too long when context_window_fallback is off", async () => {
    const { calls, attempt } = scripted({ a: [tooLong()] });
    const routed = route([target("a"), target("b")], 2, 60_000, { policy: { contextWindowFallback: false } });
    await expect(callWithResilience(routed, signal, attempt)).rejects.toMatchObject({ status: 400 });
    expect(calls).toEqual(["a"]);
  });

  it("never routes a content-policy refusal around, even when 4xx errors fall back", async () => {
    const { calls, attempt } = scripted({ a: [refused()] });
    const routed = route([target("a"), target("b")], 2, 60_000, {
      policy: { fallbackOn: ["client_error", "server_error"] },
    });
    await expect(callWithResilience(routed, signal, attempt)).rejects.toMatchObject({
      failureKind: "content_filter",
    });
    expect(calls).toEqual(["a"]);
  });

  it("falls back on a 4xx when the route lists client_error in fallback_on", async () => {
    const { calls, attempt } = scripted({ a: [badRequest()] });
    const routed = route([target("a"), target("b")], 2, 60_000, { policy: { fallbackOn: ["client_error"] } });
    const result = await callWithResilience(routed, signal, attempt);
    expect(result.target.label).toBe("b");
    expect(calls).toEqual(["a", "b"]);
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

  it("answers a Retry-After longer than max_backoff_seconds when there is no other target", async () => {
    const slowDown = new GatewayError("upstream_http_error", "later", {
      upstreamStatus: 429,
      retryAfterSeconds: 30,
    });
    const { calls, attempt } = scripted({ a: [slowDown] });
    await expect(callWithResilience(route([target("a")]), signal, attempt)).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 30,
    });
    expect(calls).toEqual(["a"]);
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
      status: 500,
    });
    expect(calls).toBe(1);
  });
});
