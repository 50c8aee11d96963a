import type { FastifyRequest } from "fastify";
import { accountRequest } from "../governance/call-account.js";
import { usageRecordOf } from "../governance/usage/usage-record.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { type RequestObservation, responseBytes } from "./request-observation.js";

/**
 * A finished request's usage, cost and governance outcome: tokens and cost by route, provider, model and key
 * group; unpriced requests; denials by limit; streams over their reservation; then its usage record (pushed
 * to the usage log's buffer, off the request's path).
 */
export function recordGovernance(
  metrics: GatewayMetrics,
  request: FastifyRequest,
  observation: RequestObservation,
  status: number,
  elapsedMs: number | undefined,
): void {
  const { api, route, provider, model, call } = observation;
  const account = call.accounted ?? accountRequest(call, status !== 200);
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
    // Key ids are not labels (one series per key would be unbounded); scopes, groups and routes are.
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
      failedAttempts: observation.failedAttempts,
      brokenStream: observation.brokenStream,
      continuationAttempts: observation.continuationAttempts,
      firstTarget: observation.firstTarget,
      requestedModel: call.request.requestedModel() ?? route,
      responseModel: observation.responseModel,
      finishReason: observation.finishReasons?.[0],
      errorKind: observation.errorKind,
      responseBytes: responseBytes(request),
      status,
      stream: observation.streaming,
      latencyMs: elapsedMs ?? performance.now() - call.startedAtPerf,
      upstreamMs: observation.upstreamMs,
      firstByteMs: observation.firstByteMs,
      clientDisconnected: status === 499,
    }),
  );
}
