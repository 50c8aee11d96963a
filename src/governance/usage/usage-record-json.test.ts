import { describe, expect, it } from "vitest";
import type { Usage } from "../../canonical/index.js";
import { type Account, type CallRequest, GovernedCall, type PricedTarget } from "../governed-call.js";
import type { LimitSpec } from "../limits/limit-spec.js";
import type { Principal } from "../principal.js";
import { type FinishedRequest, usageRecordOf } from "./usage-record.js";
import { usageRecordJson } from "./usage-record-json.js";

/**
 * The compiled serialiser against JSON.stringify, on records built the way the gateway builds them, in every
 * shape a record takes: the line must be the same, byte for byte (a field the compiled one left out, reordered
 * or wrote differently would be a billing line that says something else).
 */

const REQUEST: CallRequest = {
  api: "openai",
  principal: undefined,
  streaming: false,
  bodyBytes: () => 92,
  requestedModel: () => "chat",
  maxOutputTokens: () => 64,
};

const FINISHED: FinishedRequest = {
  requestId: "baf1bdc4-be14-4eb8-8463-841f5d722138",
  api: "openai",
  route: "chat",
  routeType: "llm/v1/chat",
  provider: "openai",
  model: "gpt-4o-mini",
  target: "openai/gpt-4o-mini",
  attempts: 1,
  failedAttempts: undefined,
  brokenStream: undefined,
  continuationAttempts: undefined,
  firstTarget: "openai/gpt-4o-mini",
  requestedModel: "chat",
  responseModel: "gpt-4o-mini-2024-07-18",
  finishReason: "stop",
  errorKind: undefined,
  responseBytes: 1028,
  status: 200,
  stream: false,
  latencyMs: 5.3124,
  upstreamMs: 1.539,
  firstByteMs: undefined,
  clientDisconnected: false,
};

const USAGE: Usage = { inputTokens: 12, outputTokens: 20, totalTokens: 32 };

const PRICED: Account = {
  usage: USAGE,
  source: "provider",
  tokens: 32,
  cost: {
    priced: true,
    nano: 13_800,
    priceId: "genai-prices:openai/gpt-4o-mini",
    breakdown: { input: 1800, cacheRead: 0, cacheWrite: 0, output: 12_000, request: 0 },
  },
};

const TARGET: PricedTarget = {
  label: "anthropic/claude",
  upstream: { providerName: "anthropic", model: "claude-sonnet-4-5" },
  price: undefined,
};

const RATE: LimitSpec = {
  kind: "rate",
  key: "rl:route:chat:rpm",
  label: { scope: "route", id: "chat", name: "rpm" },
  unit: "requests",
  limit: 100,
  windowMs: 60_000,
  burst: 100,
};
const SLOTS: LimitSpec = {
  kind: "concurrency",
  key: "cc:route:chat",
  label: { scope: "route", id: "chat", name: "concurrency" },
  max: 4,
};

function call(request: Partial<CallRequest> = {}, account: Account | undefined = PRICED): GovernedCall {
  const governed = new GovernedCall({ ...REQUEST, ...request });
  governed.usage = account?.usage;
  if (account !== undefined) governed.finalAccount(() => account);
  governed.priceVersion = "genai-prices-0.1.8+6cc77409";
  return governed;
}

function principal(): Principal {
  return {
    keyId: "WZuU6pWlJp7P",
    alias: 'ci "bot" \\ é',
    group: "search",
    org: "acme",
    scopes: [],
    routes: null,
    models: null,
  } as unknown as Principal;
}

function sameAsJsonStringify(governed: GovernedCall, finished: Partial<FinishedRequest> = {}): void {
  const record = usageRecordOf(governed, { ...FINISHED, ...finished });
  expect(usageRecordJson(record)).toBe(JSON.stringify(record));
}

describe("a usage record's JSON line", () => {
  it("is JSON.stringify's for a priced pass-through with nothing else", () => {
    sameAsJsonStringify(call());
  });

  it("is JSON.stringify's with a key, tags, an end user and limits (what was reserved, what is left)", () => {
    const governed = call({ principal: principal(), requestedServiceTier: () => "flex" });
    governed.endUser = "user-\u0001\u2028😀";
    governed.tags = ["team:search", 'quote"d', "back\\slash"];
    governed.decision = "admitted";
    governed.queueMs = 1.699;
    governed.reservation = {
      id: "r.1",
      specs: [RATE, SLOTS],
      states: [
        { remaining: 98, resetMs: 1200 },
        { remaining: 3, resetMs: 0 },
      ],
      tokens: 87,
      costNano: 0,
      outputTokens: 64,
      inputTokens: 23,
      price: undefined,
      settled: true,
    };
    sameAsJsonStringify(governed, { requestedModel: "chat-alias" });
  });

  it("is JSON.stringify's for every usage bucket, a service tier and web searches", () => {
    const usage: Usage = {
      inputTokens: 2000,
      outputTokens: 500,
      totalTokens: 2500,
      cacheReadTokens: 1200,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 100,
      reasoningTokens: 120,
      audioInputTokens: 7,
      audioOutputTokens: 9,
      imageTokens: 11,
      webSearchRequests: 3,
      serviceTier: "priority",
    };
    sameAsJsonStringify(call({ streaming: true }, { ...PRICED, usage }), {
      stream: true,
      firstByteMs: 0.8,
    });
  });

  it("is JSON.stringify's for an unpriced request, and for one without usage", () => {
    sameAsJsonStringify(
      call(
        {},
        { usage: USAGE, source: "provider", tokens: 32, cost: { priced: false, reason: "no_price_entry" } },
      ),
    );
    sameAsJsonStringify(call({}, undefined), { upstreamMs: undefined, responseModel: undefined });
  });

  it("is JSON.stringify's for a refused request: the limit that refused it, the degraded mode, no attempt", () => {
    const governed = call({}, undefined);
    governed.decision = "denied";
    governed.deniedBy = { scope: "key", id: "k1", name: "tpm" };
    governed.deniedKind = "rate";
    governed.degradedMode = "local_share";
    sameAsJsonStringify(governed, {
      target: undefined,
      attempts: 0,
      status: 429,
      errorKind: "rate_limit_exceeded",
      finishReason: undefined,
      upstreamMs: undefined,
    });
  });

  it("is JSON.stringify's with failed attempts, a broken stream and the targets that continued it", () => {
    const governed = call({ streaming: true });
    governed.usageBeforeContinuation = { inputTokens: 12, outputTokens: 8, totalTokens: 20 };
    governed.continuedOn = TARGET;
    sameAsJsonStringify(governed, {
      attempts: 2,
      failedAttempts: [
        {
          provider: "openai",
          target: "openai/gpt-4o",
          model: "gpt-4o",
          status: 503,
          error_kind: "upstream_unavailable",
          usage: null,
          cost_nano_usd: null,
        },
      ],
      brokenStream: { status: 502, errorKind: "upstream_stream_broken" },
      continuationAttempts: [
        { target: TARGET, failure: { status: 529, errorKind: "upstream_overloaded" }, usage: undefined },
        { target: TARGET, usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 } },
      ],
      stream: true,
      clientDisconnected: true,
      status: 499,
    });
  });

  it("writes null where a number is not one, as JSON.stringify does", () => {
    const record = usageRecordOf(call(), FINISHED);
    record.queue_ms = Number.NaN;
    expect(JSON.parse(usageRecordJson(record)).queue_ms).toBeNull();
    expect(usageRecordJson(record)).toBe(JSON.stringify(record));
  });
});
