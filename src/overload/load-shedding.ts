import underPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { errorBody } from "../api/error-format.js";
import { errorFormatFor } from "../api/error-formats.js";
import type { ReadinessChecks } from "../api/readiness.js";
import { GatewayError } from "../canonical/index.js";
import type { OverloadSettings } from "../config/overload-settings.js";
import type { Logger } from "../observability/logger.js";
import { OverloadState } from "./overload-state.js";
import type { RequestTurns } from "./request-turns.js";

/**
 * Sheds load (Envoy's overload manager, for one worker): while the worker's event loop is measured to be behind
 * (`server.overload`), a new API request is answered 503 with `Retry-After` in its API's error format as soon as
 * it arrives, before its body is read, its key checked or its route chosen. A worker that queued instead would
 * answer every request late, most of them after their clients gave up, and go on working for those clients for
 * seconds after the load stopped. The measurement is @fastify/under-pressure's (the event loop's mean delay and
 * its utilization over each `sample_interval_ms`); the decision (overload-state.ts) is taken once per sample, so
 * a request costs one boolean check.
 *
 * Health, readiness and metrics are never shed (a probe must see the worker answer, and `/ready` says it is
 * overloaded, so that a load balancer steers away), nor the admin API and the console's page: an operator must
 * be able to look at an overloaded gateway.
 */
const NEVER_SHED = new Set(["health", "metrics", "admin", "page"]);

/** Whether a request is one that is never shed nor made to wait for its turn. */
function alwaysServed(request: FastifyRequest): boolean {
  const surface = request.routeOptions.config?.surface;
  return surface !== undefined && NEVER_SHED.has(surface);
}

/**
 * Registers the one hook every new request passes first: shed (when the worker is overloaded) or started in its
 * turn (request-turns.ts). Answers the shedding state, or undefined when shedding is off.
 */
export async function useLoadShedding(
  app: FastifyInstance,
  settings: OverloadSettings,
  turns: RequestTurns | undefined,
  readiness: ReadinessChecks | undefined,
  logger: Logger | undefined,
): Promise<OverloadState | undefined> {
  const start = (request: FastifyRequest, done: () => void): void => {
    if (turns === undefined) done();
    else if (!turns.tryStart(done)) {
      // Looked at only for a request that would wait: the route's options are an object built on each read.
      if (alwaysServed(request)) done();
      else turns.enqueue(done);
    }
  };
  if (!settings.enabled || (settings.maxEventLoopDelayMs <= 0 && settings.maxEventLoopUtilization <= 0)) {
    if (turns !== undefined) app.addHook("onRequest", (request, _reply, done) => start(request, done));
    return undefined;
  }
  // No limits given to the plugin: it measures, and this module decides (it would shed on a single sample).
  await app.register(underPressure, {
    sampleInterval: settings.sampleIntervalMs,
    // The last sample's utilization; the default is the average since the start, which a long quiet spell
    // would keep low through any overload.
    eventLoopUtilizationMode: "interval",
  });
  const state = new OverloadState(settings);
  const refusal = new GatewayError(
    "overloaded",
    `The gateway is overloaded: this instance is behind on its work and refuses new requests for now; retry in ${settings.retryAfterSeconds} s.`,
    { retryAfterSeconds: settings.retryAfterSeconds },
  );
  const retryAfter = String(settings.retryAfterSeconds);
  app.addHook("onRequest", (request, reply, done) => {
    if (!state.shedding() || alwaysServed(request)) return start(request, done);
    state.count();
    const format = errorFormatFor(request.url);
    // Answered here, without done(): the reply's own hooks (request id, metrics, access log) still see it.
    reply
      .header("retry-after", retryAfter)
      .status(format.status(refusal))
      .send(errorBody(format, refusal, request.id));
  });
  const limits = describeLimits(settings);
  // One line when shedding starts and one when it stops, never one per request: under overload a log line per
  // refusal would be more work for a worker that has too much already.
  // Watched from when the app is ready: the samples before cover its start-up work, not requests.
  let watch: NodeJS.Timeout | undefined;
  app.addHook("onReady", (done) => {
    watch = setInterval(sample, settings.sampleIntervalMs);
    watch.unref();
    done();
  });
  let logged = false;
  const sample = (): void => {
    const usage = app.memoryUsage();
    state.observe({
      eventLoopDelayMs: usage.eventLoopDelay,
      eventLoopUtilization: usage.eventLoopUtilized,
      oldestWaitMs: turns?.oldestWaitMs() ?? 0,
    });
    const shedding = state.shedding();
    if (shedding === logged) return;
    logged = shedding;
    if (shedding)
      logger?.warn(
        { ...sampleForLog(state), inFlight: state.inFlight, limits },
        "this worker is overloaded: shedding new API requests (503, Retry-After) until its event loop catches up (setting server.overload)",
      );
    else
      logger?.info(
        { ...sampleForLog(state), shed: state.shedSinceLastEpisode() },
        "this worker is no longer overloaded: taking new requests again",
      );
  };

  app.addHook("onClose", (_app, done) => {
    clearInterval(watch);
    done();
  });
  readiness?.register("overload", () => {
    if (!state.shedding()) return;
    const { eventLoopDelayMs, eventLoopUtilization, oldestWaitMs } = sampleForLog(state);
    throw new Error(
      `overloaded, shedding new requests: event loop delay ${eventLoopDelayMs} ms, utilization ${eventLoopUtilization}, oldest request waiting to start ${oldestWaitMs} ms (limits: ${limits})`,
    );
  });
  return state;
}

function sampleForLog(state: OverloadState): {
  eventLoopDelayMs: number;
  eventLoopUtilization: number;
  oldestWaitMs: number;
} {
  return {
    eventLoopDelayMs: Math.round(state.last.eventLoopDelayMs),
    eventLoopUtilization: Math.round(state.last.eventLoopUtilization * 1000) / 1000,
    oldestWaitMs: Math.round(state.last.oldestWaitMs),
  };
}

function describeLimits(settings: OverloadSettings): string {
  const parts: string[] = [];
  if (settings.maxEventLoopDelayMs > 0) parts.push(`delay ${settings.maxEventLoopDelayMs} ms`);
  if (settings.maxEventLoopUtilization > 0) parts.push(`utilization ${settings.maxEventLoopUtilization}`);
  return parts.join(", ");
}
