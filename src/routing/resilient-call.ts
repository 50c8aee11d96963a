import { setTimeout as sleep } from "node:timers/promises";
import { type FailureKind, GatewayError } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import { orderTargets } from "./attempt-order.js";
import { asAbortSignal, type CancelSignal } from "./cancel-signal.js";
import {
  countsAgainstTarget,
  type FailoverStep,
  failureKindOf,
  retryDelayMs,
  stepAfter,
} from "./retry-policy.js";
import type { Route, RouteTarget } from "./route-table.js";

/** One attempt on one target. It must throw a GatewayError on failure, and not retry by itself. */
export type Attempt<T> = (
  target: RouteTarget,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
) => Promise<T>;

/** A failed attempt: what kind of failure it was, and what the route does next. */
export interface AttemptFailure {
  kind: FailureKind | undefined;
  next: FailoverStep;
}

/**
 * Told about each attempt (numbered from 1, over the whole request), so callers can report which target served
 * after how many tries and why, log failed attempts and trace them.
 */
export interface AttemptObserver {
  started(target: RouteTarget, attempt: number): void;
  /**
   * The attempt failed; `cancelled` when the client went away. `failure` says its kind and whether the route
   * retries, falls back or answers with it (absent when cancelled).
   */
  failed(
    target: RouteTarget,
    attempt: number,
    error: unknown,
    cancelled: boolean,
    failure: AttemptFailure | undefined,
  ): void;
  /** Every target's circuit was open; the request goes to this one anyway (panic mode). */
  panicked?(target: RouteTarget): void;
  /** Runs the attempt's work, e.g. inside a trace span; absent: the work runs as it is. */
  run?<T>(target: RouteTarget, attempt: number, work: () => Promise<T>): Promise<T>;
}

const IGNORE_ATTEMPTS: AttemptObserver = { started: () => {}, failed: () => {} };

export interface ResilientResult<T> {
  value: T;
  target: RouteTarget;
  attempts: number;
}

/**
 * Runs a request on a route until one attempt succeeds: targets in the route's order, skipping those whose
 * circuit is open; after a failure the route's policy (retry-policy.ts) decides between the same target again
 * (after a backoff, or the upstream's Retry-After), the next target at once, or the end; a failure that would
 * move on is retried on the same target when no other target is left to move on to. All within the route's
 * time budget. A recovering target that its ramp turns away is kept as a last resort, tried when no other
 * target served. When every circuit is open, the target most likely to have recovered is tried anyway (Envoy's
 * panic mode): refusing would leave the client with nothing, unless the route asks for that (`fail_fast`).
 * When nothing succeeds, the last failure is what the client sees.
 */
export async function callWithResilience<T>(
  route: Route,
  signal: CancelSignal,
  attempt: Attempt<T>,
  onAttempt: AttemptObserver = IGNORE_ATTEMPTS,
): Promise<ResilientResult<T>> {
  const deadline = performance.now() + route.retries.budgetMs;
  let attempts = 0;
  let lastFailure: unknown;
  let lastTarget: RouteTarget | undefined;

  /** Tries one target, retrying it as the policy allows; undefined when the request should move on. */
  const tryTarget = async (
    target: RouteTarget,
    admission: "normal" | "last_resort" | "panic",
    /** Whether another target could still take the request: without one, a failure that would move on is
     * retried here instead (a single-target route still gets its retries). */
    alternativeLeft: () => boolean,
  ): Promise<ResilientResult<T> | undefined> => {
    /** Where a blocked retry goes: on, if the failure's kind moves on; else the request ends with it. */
    let ifBlocked: "fallback" | "fail" = "fallback";
    for (let retry = 0; ; retry++) {
      const allowed =
        admission === "panic" || target.breaker.allowRequest(Date.now(), admission === "last_resort");
      if (!allowed) {
        if (ifBlocked === "fail") throw withContext(lastFailure, route, lastTarget);
        return undefined;
      }
      // The client left (before the first attempt, or during a failed one): nothing more goes upstream for it.
      if (signal.aborted) throw signal.reason;
      attempts++;
      const number = attempts;
      onAttempt.started(target, number);
      const startedAt = Date.now();
      try {
        const timeouts = timeoutsWithin(target.timeouts, deadline);
        const work = (): Promise<T> => attempt(target, signal, timeouts);
        const value = await (onAttempt.run === undefined ? work() : onAttempt.run(target, number, work));
        target.breaker.recordSuccess(Date.now(), startedAt);
        return { value, target, attempts };
      } catch (error) {
        if (signal.aborted) {
          onAttempt.failed(target, number, error, true, undefined);
          throw error;
        }
        const kind = failureKindOf(error);
        if (countsAgainstTarget(kind)) target.breaker.recordFailure(Date.now(), messageOf(error));
        // The upstream answered (or the gateway refused before sending): it is not down.
        else target.breaker.recordSuccess(Date.now(), startedAt);
        const policy = route.failurePolicy;
        const attemptsLeft = retry + 1 < route.retries.maxAttempts;
        let step = stepAfter(kind, policy, attemptsLeft);
        if (step === "fallback" && attemptsLeft && retryable(kind) && !alternativeLeft()) step = "retry";
        let delayMs: number | undefined;
        if (step === "retry") {
          delayMs = retryDelayMs(error as GatewayError, route.retries, retry);
          // A wait longer than the route allows, or past the budget, is better spent on the next target.
          if (delayMs === undefined || performance.now() + delayMs >= deadline) {
            step = stepAfter(kind, policy, false);
          }
        }
        onAttempt.failed(target, number, error, false, { kind, next: step });
        lastFailure = error;
        lastTarget = target;
        if (step === "fail") throw withContext(error, route, target);
        if (step === "fallback") return undefined;
        ifBlocked = stepAfter(kind, policy, false) === "fallback" ? "fallback" : "fail";
        try {
          await sleep(delayMs, undefined, { signal: asAbortSignal(signal) });
        } catch (error) {
          // The client left during the wait: its own reason, not the timer's AbortError.
          throw signal.aborted ? signal.reason : error;
        }
      }
    }
  };

  // Recovering targets whose ramp turned this request away: they serve it only if no other target does.
  const turnedAway: RouteTarget[] = [];
  const ordered = orderTargets(route.targets, route.strategy);
  for (const [position, target] of ordered.entries()) {
    const attemptsBefore = attempts;
    const alternativeLeft = (): boolean =>
      turnedAway.length > 0 ||
      ordered.slice(position + 1).some((next) => next.breaker.retryInMs(Date.now()) === 0);
    const result = await tryTarget(target, "normal", alternativeLeft);
    if (result !== undefined) return result;
    if (attempts === attemptsBefore && target.breaker.state === "recovering") turnedAway.push(target);
    if (performance.now() >= deadline) break;
  }
  for (const target of turnedAway) {
    if (performance.now() >= deadline) break;
    const result = await tryTarget(target, "last_resort", () => false);
    if (result !== undefined) return result;
  }
  if (attempts === 0) {
    if (route.circuitBreaker.failFast) throw allCircuitsOpen(route).withContext({ route: route.name });
    const target = mostLikelyRecovered(route.targets);
    if (target !== undefined) {
      onAttempt.panicked?.(target);
      const result = await tryTarget(target, "panic", () => false);
      if (result !== undefined) return result;
    }
  }
  if (lastFailure !== undefined) throw withContext(lastFailure, route, lastTarget);
  throw allCircuitsOpen(route).withContext({ route: route.name });
}

/** Errors say which route and target they happened on (for clients whose dialect carries that). */
function withContext(error: unknown, route: Route, target: RouteTarget | undefined): unknown {
  if (!(error instanceof GatewayError)) return error;
  return error.withContext({ route: route.name, ...(target === undefined ? {} : { target: target.label }) });
}

/** A failure that moves on by default but may be worth another try when nothing else is left. */
function retryable(kind: FailureKind | undefined): boolean {
  return kind !== undefined && countsAgainstTarget(kind);
}

/**
 * With every circuit open, the target that has rested longest (its circuit opened first) is the one most
 * likely to be back, and the next to be probed anyway; route order breaks ties.
 */
function mostLikelyRecovered(targets: readonly RouteTarget[]): RouteTarget | undefined {
  let best: RouteTarget | undefined;
  for (const target of targets) {
    if (best === undefined || target.breaker.openedAt < best.breaker.openedAt) best = target;
  }
  return best;
}

/** Each attempt gets its target's timeouts, its total cut to what is left of the route's budget. */
function timeoutsWithin(timeouts: UpstreamTimeouts, deadline: number): UpstreamTimeouts {
  const left = Math.max(1, Math.floor(deadline - performance.now()));
  return left >= timeouts.totalMs ? timeouts : { ...timeouts, totalMs: left };
}

function allCircuitsOpen(route: Route): GatewayError {
  const now = Date.now();
  const waitMs = Math.min(...route.targets.map((target) => target.breaker.retryInMs(now)));
  return new GatewayError(
    "overloaded",
    `Every target of route '${route.name}' is failing and paused (circuit open); try again in ${Math.ceil(waitMs / 1000)} s.`,
    { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  );
}

/** A failure's message, for the breaker's last error (shown to operators). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
