import { nanoToUsd } from "../../config/governance/limit-blocks.js";
import type { GovernedCall } from "../governed-call.js";
import { limitLabelText } from "../limits/limit-label-text.js";
import { usageBuckets } from "../prices/cost.js";

/** What the ingress knows of a finished request, besides the governed call. */
export interface FinishedRequest {
  requestId: string;
  api: string;
  route: string;
  routeType: string;
  provider: string;
  /** The configured model of the target that served (or of the route's first target). */
  model: string;
  target: string | undefined;
  attempts: number;
  status: number;
  stream: boolean;
  latencyMs: number;
  upstreamMs: number | undefined;
  /** Streams: time from the request to its first byte. */
  firstByteMs: number | undefined;
  clientDisconnected: boolean;
}

/** One usage record: one JSON object per logical request (fields named as the usage log documents them). */
export type UsageRecord = Record<string, unknown> & {
  ts_start: string;
  route: string;
  key_id: string | null;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_nano_usd: number | null;
  priced: boolean;
};

/** Builds the request's usage record from its account (computed once, shared with settle). */
export function usageRecordOf(call: GovernedCall, request: FinishedRequest): UsageRecord {
  const account = call.accounted;
  const usage = account?.usage ?? call.usage;
  const buckets = usage === undefined ? undefined : usageBuckets(usage);
  const cost = account?.cost;
  const principal = call.request.principal;
  const reservation = call.reservation;
  const record: UsageRecord = {
    ts_start: new Date(call.startedAtMs).toISOString(),
    ts_end: new Date(call.startedAtMs + request.latencyMs).toISOString(),
    request_id: request.requestId,
    api: request.api,
    route: request.route,
    route_type: request.routeType,
    key_id: principal?.keyId ?? null,
    key_alias: principal?.alias ?? null,
    group: principal?.group ?? null,
    org: principal?.org ?? null,
    provider: request.provider,
    target: request.target ?? null,
    model: request.model,
    attempts: request.attempts,
    input_tokens: usage?.inputTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    cache_read_tokens: buckets?.cacheRead ?? 0,
    cache_write_5m_tokens: buckets?.cacheWrite5m ?? 0,
    cache_write_1h_tokens: buckets?.cacheWrite1h ?? 0,
    reasoning_tokens: buckets?.reasoning ?? 0,
    usage_source: account?.source ?? (usage === undefined ? "none" : "provider"),
    cost_nano_usd: cost?.priced === true ? cost.nano : null,
    cost_usd: cost?.priced === true ? nanoToUsd(cost.nano) : null,
    priced: cost?.priced === true,
    price_version: call.priceVersion ?? null,
    latency_ms: round(request.latencyMs),
    upstream_ms: request.upstreamMs === undefined ? null : round(request.upstreamMs),
    ttft_ms: request.stream && request.upstreamMs !== undefined ? round(request.upstreamMs) : null,
    gateway_overhead_ms: gatewayOverhead(request),
    status: request.status,
    stream: request.stream,
    cut_by_budget: call.cutByBudget,
    overdrawn: call.overdrawn,
    client_disconnected: request.clientDisconnected,
    decision: call.decision,
    request_bytes: call.request.bodyBytes(),
  };
  if (cost?.priced === true) {
    record.price_id = cost.priceId;
    record.cost_breakdown = Object.fromEntries(
      Object.entries(cost.breakdown).map(([bucket, nano]) => [bucket, nano]),
    );
  } else if (cost !== undefined) record.unpriced_reason = cost.reason;
  if (reservation !== undefined) {
    record.limits_checked = reservation.specs.map((spec) => limitLabelText(spec.label));
    record.reserved = { tokens: reservation.tokens, cost_nano_usd: reservation.costNano };
  }
  if (call.deniedBy !== undefined) record.denied_by = limitLabelText(call.deniedBy);
  if (call.degradedMode !== undefined) record.degraded_mode = call.degradedMode;
  return record;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function gatewayOverhead(request: FinishedRequest): number | null {
  if (request.upstreamMs === undefined) return null;
  const end = request.stream ? request.firstByteMs : request.latencyMs;
  return end === undefined ? null : round(Math.max(0, end - request.upstreamMs));
}
