import { setTimeout as sleep } from "node:timers/promises";
import { GatewayError } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import { orderTargets } from "./attempt-order.js";
import { asAbortSignal, type CancelSignal } from "./cancel-signal.js";
import { isRetryable, retryDelayMs } from "./retry-policy.js";
import type { Route, RouteTarget } from "./route-table.js";

/** One attempt on one target. It must throw a GatewayError on failure, and not retry by itself. */
export type Attempt<T> = (
  target: RouteTarget,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
) => Promise<T>;

/**
 * Told about each attempt (numbered from 1), so callers can report which target served after how many tries,
 * log failed attempts and trace them.
 */
export interface AttemptObserver {
  started(target: RouteTarget, attempt: number): void;
  /** The attempt failed (it may still be retried or fall back); `cancelled` when the client went away. */
  failed(target: RouteTarget, attempt: number, error: unknown, cancelled: boolean): void;
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
 * circuit is open, each retried on retryable failures with backoff (or the upstream's Retry-After), all within
 * the route's time budget. A recovering target that its ramp turns away is kept as a last resort, tried when
 * no other target served. A failure that is the request's own fault (a 4xx) ends it at once. When nothing
 * succeeds, the last failure is what the client sees; when every target's circuit is open, a 503 says so.
 */
export async function callWithResilience<T>(
  route: Route,
  signal: CancelSignal,
  attempt: Attempt<T>,
  onAttempt: AttemptObserver = IGNORE_ATTEMPTS,
): Promise<ResilientResult<T>> {
  const deadline = performance.now() + route.retries.budgetMs;
  let attempts = 0;
  let lastFailure: GatewayError | undefined;
  let lastTarget: RouteTarget | undefined;

  /** Tries one target, retrying it as the route allows; undefined when the request should move on. */
  const tryTarget = async (
    target: RouteTarget,
    lastResort: boolean,
  ): Promise<ResilientResult<T> | undefined> => {
    for (let retry = 0; retry < route.retries.maxAttempts; retry++) {
      if (!target.breaker.allowRequest(Date.now(), lastResort)) return undefined;
      attempts++;
      const number = attempts;
      onAttempt.started(target, number);
      try {
        const timeouts = timeoutsWithin(target.timeouts, deadline);
        const work = (): Promise<T> => attempt(target, signal, timeouts);
        const value = await (onAttempt.run === undefined ? work() : onAttempt.run(target, number, work));
        target.breaker.recordSuccess(Date.now());
        return { value, target, attempts };
      } catch (error) {
        onAttempt.failed(target, number, error, signal.aborted);
        if (signal.aborted) throw error;
        if (!isRetryable(error)) {
          // The upstream answered (or the request was refused before sending): it is not down.
          target.breaker.recordSuccess(Date.now());
          throw withContext(error, route, target);
        }
        target.breaker.recordFailure(Date.now(), error.message);
        lastFailure = error;
        lastTarget = target;
        if (retry + 1 >= route.retries.maxAttempts || !target.breaker.allowRequest(Date.now(), lastResort))
          return undefined;
        const delay = retryDelayMs(error, route.retries, retry);
        // A wait that would overrun the budget is better spent on the next target.
        if (performance.now() + delay >= deadline) return undefined;
        await sleep(delay, undefined, { signal: asAbortSignal(signal) });
      }
    }
    return undefined;
  };

  // Recovering targets whose ramp turned this request away: they serve it only if no other target does.
  const turnedAway: RouteTarget[] = [];
  for (const target of orderTargets(route.targets, route.strategy)) {
    const attemptsBefore = attempts;
    const result = await tryTarget(target, false);
    if (result !== undefined) return result;
    if (attempts === attemptsBefore && target.breaker.state === "recovering") turnedAway.push(target);
    if (performance.now() >= deadline) break;
  }
  for (const target of turnedAway) {
    if (performance.now() >= deadline) break;
    const result = await tryTarget(target, true);
    if (result !== undefined) return result;
  }
  if (lastFailure !== undefined) throw withContext(lastFailure, route, lastTarget);
  throw allCircuitsOpen(route).withContext({ route: route.name });
}

/** Errors say which route and target they happened on (for clients whose dialect carries that). */
function withContext(error: unknown, route: Route, target: RouteTarget | undefined): unknown {
  if (!(error instanceof GatewayError)) return error;
  return error.withContext({ route: route.name, ...(target === undefined ? {} : { target: target.label }) });
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
