import type { FastifyInstance } from "fastify";
import type { GatewayMetrics } from "../observability/metrics.js";
import { writeGovernanceHeaders } from "./governance-headers.js";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { ANY_REQUEST_ERRORS, errorResponses } from "./openapi/operation-docs.js";
import { requestMetrics } from "./request-metrics.js";
import { serverTimingHeader, writeTargetHeaders } from "./request-observation.js";
import type { RequestOutcomes } from "./request-outcome.js";

/** Where `/metrics` gets its text: this process's registry, or (in a cluster) every worker's, aggregated. */
export type MetricsSource = () => Promise<string>;

/**
 * Follows every request from its arrival to its end (RequestOutcomes: each watcher sees it end exactly once),
 * records API requests in the metrics, and adds `Server-Timing` and the `x-switchyard-target` /
 * `x-switchyard-attempts` headers to every response. First of all: a request decoration reaches only the
 * plugins registered after it, and a hook only the routes registered after it.
 */
export function observeRequests(
  app: FastifyInstance,
  metrics: GatewayMetrics,
  outcomes: RequestOutcomes,
): void {
  app.decorate("metrics", metrics);
  app.decorateRequest("observation", null);
  app.decorateRequest("endStatus", null);
  app.decorateRequest("socketBytesAtStart", 0);
  outcomes.watch(requestMetrics(metrics));
  app.addHook("onRequest", (request, reply, done) => {
    request.socketBytesAtStart = request.raw.socket?.bytesWritten ?? 0;
    outcomes.track(request, reply);
    done();
  });
  // Callback-style hooks: an async hook costs a promise per request on every response.
  app.addHook("onSend", (request, reply, payload, done) => {
    if (!reply.hasHeader("server-timing")) {
      reply.header("server-timing", serverTimingHeader(reply.elapsedTime, request.observation));
    }
    // Which target served and after how many attempts, on answers and errors alike (streams set their own),
    // and the limits' and budgets' state with the request's cost.
    if (request.observation !== null) {
      writeTargetHeaders(request.observation, reply);
      writeGovernanceHeaders(request.observation.call, reply.statusCode !== 200, reply);
    }
    done(null, payload);
  });
}

/** Serves `GET /metrics` in Prometheus text format. */
export function registerMetrics(app: FastifyInstance, source: MetricsSource): void {
  app.get(
    "/metrics",
    {
      config: { surface: "metrics" },
      schema: {
        operationId: "metrics",
        summary: "Prometheus metrics of all workers",
        tags: ["Gateway"],
        response: {
          200: {
            description: "Prometheus text exposition format 0.0.4.",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          // 401 and 404 where governance.auth.surfaces.metrics is `key` or `off`.
          ...errorResponses(mlflowErrorFormat, [401, 404, ...ANY_REQUEST_ERRORS]),
        },
      },
    },
    async (_request, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(await source()),
  );
}
