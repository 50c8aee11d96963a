import underPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { errorBody } from "../api/error-format.js";
import { errorFormatFor } from "../api/error-formats.js";
import type { ReadinessChecks } from "../api/readiness.js";
import { GatewayError } from "../canonical/index.js";
import type { OverloadSettings } from "../config/overload-settings.js";
import type { Logger } from "../observability/logger.js";
import { OverloadState } from "./overload-state.js";

/**
 * Sheds load (Envoy's overload manager, for one worker): while the worker's event loop is measured to be behind
 * (`server.overload`), a new API request is answered 503 with `Retry-After` in its API's error format as soon as
 * it arrives, before its body is read, its key checked or its route chosen. A worker that queued instead would
 * answer every request late, most of them after their clients gave up, and go on working for those clients for
 * seconds after the load stopped. The measurement is @fastify/under-pressure's (the event loop's mean delay and
 * its utilization, sampled every `sample_interval_ms`); per request it costs a few comparisons.
 *
 * Health, readiness and metrics are never shed (a probe must see the worker answer, and `/ready` says it is
 * overloaded, so that a load balancer steers away), nor the admin API and the console's page: an operator must
 * be able to look at an overloaded gateway.
 */
const NEVER_SHED = new Set(["health", "metrics", "admin", "page"]);

export async function useLoadShedding(
  app: FastifyInstance,
  settings: OverloadSettings,
  readiness: ReadinessChecks | undefined,
  logger: Logger | undefined,
): Promise<OverloadState | undefined> {
  if (!settings.enabled || (settings.maxEventLoopDelayMs <= 0 && settings.maxEventLoopUtilization <= 0))
    return undefined;
  const refusal = new GatewayError(
    "overloaded",
    `The gateway is overloaded: this instance is behind on its work and refuses new requests for now; retry in ${settings.retryAfterSeconds} s.`,
    { retryAfterSeconds: settings.retryAfterSeconds },
  );
  const retryAfter = String(settings.retryAfterSeconds);
  const state = new OverloadState();
  // under-pressure sends what its handler returns (its type says void); nothing returned lets the request on.
  const shed: (request: FastifyRequest, reply: FastifyReply, type: string) => void = (
    request,
    reply,
    type,
  ) => {
    const surface = request.routeOptions.config?.surface;
    if (surface !== undefined && NEVER_SHED.has(surface)) return undefined;
    state.count(type);
    const format = errorFormatFor(request.url);
    reply.header("retry-after", retryAfter);
    reply.status(format.status(refusal));
    // Returned, under-pressure sends it; the reply's hooks (request id, metrics, access log) see it as any other.
    return errorBody(format, refusal, request.id);
  };
  await app.register(underPressure, {
    ...(settings.maxEventLoopDelayMs > 0 && { maxEventLoopDelay: settings.maxEventLoopDelayMs }),
    ...(settings.maxEventLoopUtilization > 0 && {
      maxEventLoopUtilization: settings.maxEventLoopUtilization,
    }),
    // The last sample's utilization; the default is the average since the start, which a long quiet spell
    // would keep low through any overload.
    eventLoopUtilizationMode: "interval",
    sampleInterval: settings.sampleIntervalMs,
    pressureHandler: shed,
  });
  const limits = describeLimits(settings);
  // One line when shedding starts and one when it stops, never one per request: under overload a log line per
  // refusal would be more work for a worker that has too much already.
  const watch = setInterval(() => {
    const usage = app.memoryUsage();
    const now = {
      eventLoopDelayMs: Math.round(usage.eventLoopDelay),
      eventLoopUtilization: Math.round(usage.eventLoopUtilized * 1000) / 1000,
    };
    const overloaded = app.isUnderPressure();
    if (overloaded === state.overloaded) return;
    state.overloaded = overloaded;
    if (overloaded)
      logger?.warn(
        { ...now, limits },
        "this worker is overloaded: shedding new API requests (503, Retry-After) until its event loop catches up (setting server.overload)",
      );
    else
      logger?.info(
        { ...now, shed: state.shedSinceLastEpisode() },
        "this worker is no longer overloaded: taking new requests again",
      );
  }, settings.sampleIntervalMs);
  watch.unref();
  app.addHook("onClose", (_app, done) => {
    clearInterval(watch);
    done();
  });
  readiness?.register("overload", () => {
    if (!app.isUnderPressure()) return;
    const usage = app.memoryUsage();
    throw new Error(
      `overloaded, shedding new requests: event loop delay ${Math.round(usage.eventLoopDelay)} ms, utilization ${usage.eventLoopUtilized.toFixed(2)} (limits: ${limits})`,
    );
  });
  return state;
}

function describeLimits(settings: OverloadSettings): string {
  const parts: string[] = [];
  if (settings.maxEventLoopDelayMs > 0) parts.push(`delay ${settings.maxEventLoopDelayMs} ms`);
  if (settings.maxEventLoopUtilization > 0) parts.push(`utilization ${settings.maxEventLoopUtilization}`);
  return parts.join(", ");
}
