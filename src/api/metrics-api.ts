import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { accountRequest } from "../governance/governor.js";
import { usageRecordOf } from "../governance/usage/usage-record.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { governanceHeaders } from "./governance-headers.js";
import { serverTimingHeader, targetHeaders } from "./request-observation.js";

/** Where `/metrics` gets its text: this process's registry, or (in a cluster) every worker's, aggregated. */
export type MetricsSource = () => Promise<string>;

/**
 * Records every API request in the metrics when its response ends (or the client goes away), adds
 * `Server-Timing` and the `x-switchyard-target` / `x-switchyard-attempts` headers to every response, and
 * serves `GET /metrics` in Prometheus text format.
 */
export function registerMetrics(app: FastifyInstance, metrics: GatewayMetrics, source: MetricsSource): void {
  app.decorate("metrics", metrics);
  app.decorateRequest("observation", null);
  // Callback-style hooks: an async hook costs a promise per request on every response.
  app.addHook("onSend", (request, reply, payload, done) => {
    if (!reply.hasHeader("server-timing")) {
      reply.header("server-timing", serverTimingHeader(reply.elapsedTime, request.observation));
    }
    // Which target served and after how many attempts, on answers and errors alike (streams set their own),
    // and the limits' and budgets' state with the request's cost.
    if (request.observation !== null) {
      reply.headers(targetHeaders(request.observation));
      reply.headers(governanceHeaders(request.observation.call));
    }
    done(null, payload);
  });
  app.addHook("onResponse", (request, reply, done) => {
    record(metrics, request, reply, String(reply.statusCode));
    done();
  });
  // 499: nginx's "client closed request", so that abandoned requests are counted rather than lost.
  app.addHook("onRequestAbort", (request, done) => {
    record(metrics, request, undefined, "499");
    done();
  });
  app.get(
    "/metrics",
    { schema: { summary: "Prometheus metrics of all workers", tags: ["Gateway"] } },
    async (_request, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(await source()),
  );
}

function record(
  metrics: GatewayMetrics,
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  status: string,
): void {
  const observation = request.observation;
  if (observation === null) return;
  // Recorded once: an abort after the response ended, or the reverse, must not count twice.
  request.observation = null;
  const { api, route, provider, model } = observation;
  const elapsedSeconds = (reply?.elapsedTime ?? 0) / 1000;
  metrics.inFlight.labels(route).value--;
  metrics.requests.labels(api, route, provider, status).value++;
  if (reply !== undefined) metrics.requestDuration.labels(api, route, provider).observe(elapsedSeconds);
  if (observation.upstreamMs !== undefined) {
    const upstreamSeconds = observation.upstreamMs / 1000;
    if (observation.streaming) {
      metrics.timeToFirstToken.labels(route, provider).observe(upstreamSeconds);
      if (observation.firstByteMs !== undefined) {
        const overheadMs = Math.max(0, observation.firstByteMs - observation.upstreamMs);
        metrics.gatewayOverhead.labels(api, route).observe(overheadMs / 1000);
      }
    } else {
      metrics.upstreamDuration.labels(route, provider).observe(upstreamSeconds);
      if (reply !== undefined) {
        metrics.gatewayOverhead.labels(api, route).observe(Math.max(0, elapsedSeconds - upstreamSeconds));
      }
    }
  }
  const call = observation.call;
  const account = call.accounted ?? accountRequest(call, status !== "200");
  const group = call.request.principal?.group ?? "";
  const { usage, cost } = account;
  if (usage.inputTokens)
    metrics.tokens.labels(route, provider, model, group, "input").value += usage.inputTokens;
  if (usage.outputTokens)
    metrics.tokens.labels(route, provider, model, group, "output").value += usage.outputTokens;
  if (cost.priced) metrics.cost.labels(route, provider, model, group).value += cost.nano / 1e9;
  else if (account.source !== "none") metrics.unpriced.labels(route, model).value++;
  const denied = call.deniedBy;
  if (denied !== undefined) {
    const id = denied.scope === "key" || denied.scope === "route_key" ? "" : denied.id;
    metrics.denials.labels(denied.scope, id, denied.name, call.deniedKind ?? "").value++;
  }
  if (call.cutByBudget) metrics.streamsOverBudget.labels(route, "cut").value++;
  else if (call.overdrawn) metrics.streamsOverBudget.labels(route, "overdrawn").value++;
  if (call.degradedMode !== undefined) metrics.governanceDegraded.labels(call.degradedMode).value++;
  request.server.usageLog?.push(
    usageRecordOf(call, {
      requestId: String(request.id),
      api,
      route,
      routeType: observation.routeType,
      provider,
      model,
      target: observation.target,
      attempts: observation.attempts,
      status: Number(status),
      stream: observation.streaming,
      latencyMs: reply?.elapsedTime ?? performance.now() - call.startedAtPerf,
      upstreamMs: observation.upstreamMs,
      firstByteMs: observation.firstByteMs,
      clientDisconnected: status === "499",
    }),
  );
}
