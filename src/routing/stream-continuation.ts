import type { ChatRequest, GatewayError, StreamEvent, Usage } from "../canonical/index.js";
import type { ContinuationSource } from "../streaming/continued-stream.js";
import { prefillOf } from "../streaming/continued-stream.js";
import type { CancelSignal } from "./cancel-signal.js";
import { openStreamAttempt } from "./execute-route-stream.js";
import { messageOf } from "./resilient-call.js";
import { countsAgainstTarget, failureKindOf } from "./retry-policy.js";
import type { Route, RouteTarget } from "./route-table.js";

/** Told of each continuation attempt, for the log and the usage log. */
export interface ContinuationObserver {
  /**
   * A target could not continue the stream (`attempted`: it was called and failed), or the request could not be
   * prepared for any (`attempted` false: `target` is the broken one, and nothing was called).
   */
  failed?(target: RouteTarget, error: unknown, attempted: boolean): void;
  /** A target opened the continuation: it serves the rest of the answer. */
  opened?(target: RouteTarget): void;
  /** The continuing target reported its usage (its own: the prefill as input, the rest of the answer as output). */
  reported?(target: RouteTarget, usage: Usage): void;
}

/**
 * Mid-stream continuation (`mid_stream_continuation: true`): when a stream breaks after it reached the client,
 * the route's other targets that take an assistant prefill (`acceptsPrefill`, declared per provider) are asked,
 * in route order, to continue the answer from the text the client already has. Each gets one attempt within its
 * own timeouts; a target that refuses the prefill (`prefill_rejected`) or fails is skipped and its breaker told.
 * Undefined when the route does not continue streams.
 */
export function continuationSource(
  route: Route,
  broken: RouteTarget,
  request: () => ChatRequest,
  signal: CancelSignal,
  observer: ContinuationObserver = {},
): ContinuationSource | undefined {
  if (!route.failurePolicy.midStreamContinuation) return undefined;
  return async (text, failure) => {
    const prefill = prefillOf(text);
    let base: ChatRequest;
    try {
      base = request();
    } catch (error) {
      // A body the gateway cannot translate (relayed as it was) cannot be continued elsewhere either.
      observer.failed?.(broken, error, false);
      return undefined;
    }
    const continuing: ChatRequest = {
      ...base,
      messages: [...base.messages, { role: "assistant", content: prefill }],
    };
    for (const target of continuationTargets(route, broken)) {
      if (signal.aborted) return undefined;
      if (!target.breaker.allowRequest(Date.now(), true)) continue;
      const startedAt = Date.now();
      try {
        const { events } = await openStreamAttempt(target, "chat", continuing, signal, target.timeouts);
        target.breaker.recordSuccess(Date.now(), startedAt);
        observer.opened?.(target);
        const reported = observer.reported;
        return {
          events:
            reported === undefined ? events : reportingUsage(events, (usage) => reported(target, usage)),
          continuation: {
            from: broken.label,
            to: target.label,
            reason: failure.code,
            prefillChars: prefill.length,
          },
        };
      } catch (error) {
        if (signal.aborted) return undefined;
        if (countsAgainstTarget(failureKindOf(error)))
          target.breaker.recordFailure(Date.now(), messageOf(error));
        observer.failed?.(target, error, true);
      }
    }
    return undefined;
  };
}

/** The continuation's events as they are, telling `report` of each usage event on the way. */
async function* reportingUsage(
  events: AsyncIterable<StreamEvent>,
  report: (usage: Usage) => void,
): AsyncGenerator<StreamEvent> {
  for await (const event of events) {
    if (event.type === "usage") report(event.usage);
    yield event;
  }
}

/** The targets that could continue a stream broken on `broken`: the others that take a prefill, in order. */
export function continuationTargets(route: Route, broken: RouteTarget | undefined): RouteTarget[] {
  return route.targets.filter(
    (target) =>
      target !== broken && target.upstream.transport === "http" && target.upstream.acceptsPrefill === true,
  );
}

/**
 * Whether a break may be continued: a failure of the target (cut, stall, server or rate-limit error in the
 * stream), never a content-policy refusal or another verdict on the request itself.
 */
export function continuesAfter(error: GatewayError): boolean {
  // The gateway's own limits and budgets ended it: another target would be refused the same.
  return error.limit === undefined && countsAgainstTarget(failureKindOf(error));
}
