import type { Usage } from "../../canonical/index.js";
import { nanoToUsd } from "../../config/governance/limit-blocks.js";
import { isoTime } from "../../observability/iso-time.js";
import type { GovernedCall, UsageSource } from "../governed-call.js";
import { limitLabelText } from "../limits/limit-label-text.js";
import type { LimitSpec, LimitState } from "../limits/limit-spec.js";
import { usageBuckets } from "../prices/cost.js";
import {
  type AttemptEntry,
  attemptsOf,
  type BrokenStream,
  type ContinuationAttempt,
} from "./usage-attempts.js";

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
  /** The attempts that failed before the last (or the failure itself), in order. */
  failedAttempts: readonly AttemptEntry[] | undefined;
  /** The stream that served broke and was continued: why, and what it had reported by then. */
  brokenStream: BrokenStream | undefined;
  /** The targets asked to continue the broken stream, in order: those that failed, then the one that did. */
  continuationAttempts: readonly ContinuationAttempt[] | undefined;
  /** The route's first target: an answer from another is a fallback. */
  firstTarget: string | undefined;
  /** The model the client named (the route, or an alias of it), and the one the upstream says answered. */
  requestedModel: string;
  responseModel: string | undefined;
  finishReason: string | undefined;
  /** The error the request ended with (its code), if it did. */
  errorKind: string | undefined;
  responseBytes: number;
  status: number;
  stream: boolean;
  latencyMs: number;
  upstreamMs: number | undefined;
  /** Streams: time from the request to its first byte. */
  firstByteMs: number | undefined;
  clientDisconnected: boolean;
}

/**
 * One usage record: one JSON object per logical request (fields named as the usage log documents them), written
 * in the order `usageRecordOf` sets its fields (usage-record-json.ts compiles a serialiser for that order).
 */
export interface UsageRecord {
  ts_start: string;
  ts_end: string;
  request_id: string;
  api: string;
  route: string;
  route_type: string;
  key_id: string | null;
  key_alias: string | null;
  group: string | null;
  org: string | null;
  end_user: string | null;
  tags: readonly string[];
  provider: string;
  target: string | null;
  model: string;
  model_requested: string;
  model_resolved: string | null;
  attempts: AttemptEntry[];
  fallback_used: boolean;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
  audio_in_tokens: number;
  audio_out_tokens: number;
  image_tokens: number;
  server_tool_units: { web_search: number };
  usage_source: UsageSource;
  cost_nano_usd: number | null;
  cost_usd: string | null;
  priced: boolean;
  price_version: string | null;
  service_tier: string | null;
  latency_ms: number;
  upstream_ms: number | null;
  ttft_ms: number | null;
  gateway_overhead_ms: number | null;
  queue_ms: number;
  status: number;
  error_kind: string | null;
  finish_reason: string | null;
  stream: boolean;
  cut_by_budget: boolean;
  overdrawn: boolean;
  client_disconnected: boolean;
  cache_hit: boolean;
  decision: GovernedCall["decision"];
  request_bytes: number;
  response_bytes: number;
  /** Priced requests only. */
  price_id?: string;
  cost_breakdown?: {
    input: number;
    cache_read: number;
    cache_write: number;
    output: number;
    request: number;
  };
  /** Unpriced requests only. */
  unpriced_reason?: string;
  /** Requests some limit applied to. */
  limits_checked?: string[];
  reserved?: { tokens: number; cost_nano_usd: number };
  remaining?: { limit: string; unit: string; value: number };
  denied_by?: string;
  degraded_mode?: string;
}

/** Builds the request's usage record from its account (computed once, shared with settle). */
export function usageRecordOf(call: GovernedCall, request: FinishedRequest): UsageRecord {
  const account = call.accounted;
  const usage = account?.usage ?? call.usage;
  const buckets = usage === undefined ? undefined : usageBuckets(usage);
  const cost = account?.cost;
  const principal = call.request.principal;
  const reservation = call.reservation;
  const record: UsageRecord = {
    ts_start: isoTime(call.startedAtMs),
    ts_end: isoTime(call.startedAtMs + request.latencyMs),
    request_id: request.requestId,
    api: request.api,
    route: request.route,
    route_type: request.routeType,
    key_id: principal?.keyId ?? null,
    key_alias: principal?.alias ?? null,
    group: principal?.group ?? null,
    org: principal?.org ?? null,
    end_user: call.endUser,
    tags: call.tags,
    provider: request.provider,
    target: request.target ?? null,
    model: request.model,
    model_requested: request.requestedModel,
    model_resolved: request.responseModel ?? null,
    attempts: attemptsOf(request, call, account),
    fallback_used: request.target !== undefined && request.target !== request.firstTarget,
    input_tokens: usage?.inputTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    cache_read_tokens: buckets?.cacheRead ?? 0,
    cache_write_5m_tokens: buckets?.cacheWrite5m ?? 0,
    cache_write_1h_tokens: buckets?.cacheWrite1h ?? 0,
    reasoning_tokens: buckets?.reasoning ?? 0,
    audio_in_tokens: usage?.audioInputTokens ?? 0,
    audio_out_tokens: usage?.audioOutputTokens ?? 0,
    image_tokens: usage?.imageTokens ?? 0,
    server_tool_units: serverToolUnits(usage),
    usage_source: account?.source ?? (usage === undefined ? "none" : "provider"),
    cost_nano_usd: cost?.priced === true ? cost.nano : null,
    cost_usd: cost?.priced === true ? nanoToUsd(cost.nano) : null,
    priced: cost?.priced === true,
    price_version: call.priceVersion ?? null,
    // The tier the upstream says served the request, else the one the client asked for.
    service_tier: usage?.serviceTier ?? call.request.requestedServiceTier?.() ?? null,
    latency_ms: round(request.latencyMs),
    upstream_ms: request.upstreamMs === undefined ? null : round(request.upstreamMs),
    ttft_ms: request.stream && request.upstreamMs !== undefined ? round(request.upstreamMs) : null,
    gateway_overhead_ms: gatewayOverhead(request),
    queue_ms: round(call.queueMs),
    status: request.status,
    error_kind: request.errorKind ?? null,
    finish_reason: request.finishReason ?? null,
    stream: request.stream,
    cut_by_budget: call.cutByBudget,
    overdrawn: call.overdrawn,
    client_disconnected: request.clientDisconnected,
    // The gateway caches no answers (yet): every answer came from an upstream.
    cache_hit: false,
    decision: call.decision,
    request_bytes: call.request.bodyBytes(),
    response_bytes: request.responseBytes,
  };
  if (cost?.priced === true) {
    record.price_id = cost.priceId;
    const { input, cacheRead, cacheWrite, output, request: perRequest } = cost.breakdown;
    record.cost_breakdown = {
      input,
      cache_read: cacheRead,
      cache_write: cacheWrite,
      output,
      request: perRequest,
    };
  } else if (cost !== undefined) record.unpriced_reason = cost.reason;
  if (reservation !== undefined) {
    record.limits_checked = reservation.specs.map((spec) => limitLabelText(spec.label));
    record.reserved = { tokens: reservation.tokens, cost_nano_usd: reservation.costNano };
    const tightest = tightestLimit(reservation.specs, reservation.states);
    if (tightest !== undefined) record.remaining = tightest;
  }
  if (call.deniedBy !== undefined) record.denied_by = limitLabelText(call.deniedBy);
  if (call.degradedMode !== undefined) record.degraded_mode = call.degradedMode;
  return record;
}

/**
 * The limit with the least of its capacity left after this request was admitted (as a share of it), with what it
 * had left: rates in requests or tokens, in-flight requests, budgets in nano-USD. Explains the next 429.
 */
function tightestLimit(
  specs: readonly LimitSpec[],
  states: readonly LimitState[],
): { limit: string; unit: string; value: number } | undefined {
  // Indexes, not an object per limit: this runs for every limited request.
  let tightest = -1;
  let tightestShare = 0;
  for (let index = 0; index < specs.length; index++) {
    const spec = specs[index] as LimitSpec;
    const state = states[index];
    if (state === undefined) continue;
    const capacity =
      spec.kind === "rate" ? spec.burst : spec.kind === "concurrency" ? spec.max : spec.amountNano;
    const share = capacity > 0 ? state.remaining / capacity : 0;
    if (tightest === -1 || share < tightestShare) {
      tightest = index;
      tightestShare = share;
    }
  }
  if (tightest === -1) return undefined;
  const spec = specs[tightest] as LimitSpec;
  const unit = spec.kind === "rate" ? spec.unit : spec.kind === "concurrency" ? "in_flight" : "nano_usd";
  return { limit: limitLabelText(spec.label), unit, value: (states[tightest] as LimitState).remaining };
}

/** Uses of the provider's server tools, by tool: one shared object for the common case of none. */
const NO_SERVER_TOOL_UNITS = Object.freeze({ web_search: 0 });

function serverToolUnits(usage: Usage | undefined): { web_search: number } {
  const searches = usage?.webSearchRequests;
  return searches === undefined || searches === 0 ? NO_SERVER_TOOL_UNITS : { web_search: searches };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function gatewayOverhead(request: FinishedRequest): number | null {
  if (request.upstreamMs === undefined) return null;
  const end = request.stream ? request.firstByteMs : request.latencyMs;
  return end === undefined ? null : round(Math.max(0, end - request.upstreamMs));
}
