import { describe, expect, it } from "vitest";
import { type FailureKind, GatewayError } from "../canonical/index.js";
import { DEFAULT_FAILURE_POLICY, type FailurePolicy } from "../config/failure-policy.js";
import { countsAgainstTarget, failureKindOf, retryDelayMs, stepAfter } from "./retry-policy.js";

const settings = { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 10_000, budgetMs: 10_000 };

const httpError = (status: number, failureKind?: FailureKind): GatewayError =>
  new GatewayError("upstream_http_error", "x", {
    upstreamStatus: status,
    ...(failureKind === undefined ? {} : { failureKind }),
  });

describe("failureKindOf", () => {
  it.each<[string, GatewayError, FailureKind | undefined]>([
    ["a 429", httpError(429), "rate_limited"],
    ["a 500", httpError(500), "server_error"],
    ["a 502", httpError(502), "server_error"],
    ["a 503", httpError(503), "overloaded"],
    ["Anthropic's 529", httpError(529), "overloaded"],
    ["a 413", httpError(413), "context_length"],
    ["a 400", httpError(400), "client_error"],
    ["a 401", httpError(401), "client_error"],
    ["a 400 its dialect read as a context too long", httpError(400, "context_length"), "context_length"],
    ["a 400 its dialect read as a content filter", httpError(400, "content_filter"), "content_filter"],
    ["a timeout", new GatewayError("upstream_timeout", "x"), "timeout"],
    ["a connection failure", new GatewayError("upstream_unreachable", "x"), "connection"],
    ["an unreadable answer", new GatewayError("upstream_invalid_response", "x"), "invalid_response"],
    ["an in-stream rate limit", new GatewayError("rate_limited", "x"), "rate_limited"],
    ["an in-stream overload", new GatewayError("overloaded", "x"), "overloaded"],
    ["a body the gateway refused", new GatewayError("invalid_body", "x"), undefined],
    ["an internal error", new GatewayError("internal_error", "x"), undefined],
  ])("reads %s", (_name, error, kind) => {
    expect(failureKindOf(error)).toBe(kind);
  });

  it("knows nothing of what is not a gateway error", () => {
    expect(failureKindOf(new Error("bug"))).toBeUndefined();
  });
});

describe("countsAgainstTarget", () => {
  it.each<[FailureKind, boolean]>([
    ["rate_limited", true],
    ["overloaded", true],
    ["server_error", true],
    ["connection", true],
    ["timeout", true],
    ["invalid_response", true],
    ["client_error", false],
    ["context_length", false],
    ["content_filter", false],
    ["prefill_rejected", false],
  ])("%s: %s", (kind, counts) => {
    expect(countsAgainstTarget(kind)).toBe(counts);
  });
});

describe("stepAfter, with the default policy", () => {
  it.each<[FailureKind, "retry" | "fallback" | "fail", "fallback" | "fail"]>([
    ["rate_limited", "retry", "fallback"],
    ["server_error", "retry", "fallback"],
    ["connection", "retry", "fallback"],
    ["overloaded", "fallback", "fallback"],
    ["timeout", "fallback", "fallback"],
    ["invalid_response", "fallback", "fallback"],
    ["context_length", "fallback", "fallback"],
    ["client_error", "fail", "fail"],
    ["content_filter", "fail", "fail"],
    ["prefill_rejected", "fail", "fail"],
  ])("%s: %s while the target has attempts left, then %s", (kind, withAttempts, without) => {
    expect(stepAfter(kind, DEFAULT_FAILURE_POLICY, true)).toBe(withAttempts);
    expect(stepAfter(kind, DEFAULT_FAILURE_POLICY, false)).toBe(without);
  });

  it("ends the request on a failure that is not the upstream's", () => {
    expect(stepAfter(undefined, DEFAULT_FAILURE_POLICY, true)).toBe("fail");
  });
});

describe("stepAfter, with a route's own policy", () => {
  const policy: FailurePolicy = {
    retryOn: ["timeout"],
    fallbackOn: ["client_error"],
    contextWindowFallback: false,
    midStreamContinuation: false,
  };

  it("retries what retry_on lists, and only that", () => {
    expect(stepAfter("timeout", policy, true)).toBe("retry");
    expect(stepAfter("timeout", policy, false)).toBe("fail");
    expect(stepAfter("server_error", policy, true)).toBe("fail");
  });

  it("moves on for what fallback_on lists", () => {
    expect(stepAfter("client_error", policy, true)).toBe("fallback");
  });

  it("keeps a context too long when context_window_fallback is off", () => {
    expect(stepAfter("context_length", policy, true)).toBe("fail");
  });

  it("never routes a content-policy refusal around, whatever fallback_on says", () => {
    expect(stepAfter("content_filter", policy, true)).toBe("fail");
  });
});

describe("retryDelayMs", () => {
  it("honours the upstream's Retry-After within max_backoff_seconds", () => {
    const error = new GatewayError("upstream_http_error", "x", { upstreamStatus: 429, retryAfterSeconds: 7 });
    expect(retryDelayMs(error, settings, 0, () => 0.5)).toBe(7000);
  });

  it("gives no delay (move on instead) for a Retry-After beyond max_backoff_seconds", () => {
    const error = new GatewayError("upstream_http_error", "x", {
      upstreamStatus: 429,
      retryAfterSeconds: 11,
    });
    expect(retryDelayMs(error, settings, 0)).toBeUndefined();
  });

  it.each([
    [0, 1, 100],
    [1, 1, 200],
    [2, 0.5, 200],
    [9, 1, 10_000],
  ])(
    "waits a random share of the doubled backoff, capped (retry %i, draw %d: %i ms)",
    (retry, draw, expected) => {
      expect(retryDelayMs(new GatewayError("upstream_timeout", "x"), settings, retry, () => draw)).toBe(
        expected,
      );
    },
  );
});
