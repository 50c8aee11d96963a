import { describe, expect, it } from "vitest";
import { GatewayError } from "../canonical/index.js";
import { isRetryable, retryDelayMs } from "./retry-policy.js";

const settings = { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1000, budgetMs: 10_000 };

describe("isRetryable", () => {
  it.each([429, 500, 502, 503, 504])("retries an upstream %i", (status) => {
    expect(isRetryable(new GatewayError("upstream_http_error", "x", { upstreamStatus: status }))).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])("never retries an upstream %i", (status) => {
    expect(isRetryable(new GatewayError("upstream_http_error", "x", { upstreamStatus: status }))).toBe(false);
  });

  it.each(["upstream_timeout", "upstream_unreachable", "upstream_invalid_response"] as const)(
    "retries %s",
    (code) => {
      expect(isRetryable(new GatewayError(code, "x"))).toBe(true);
    },
  );

  it.each(["invalid_body", "parameter_unsupported", "route_not_found", "internal_error"] as const)(
    "does not retry %s",
    (code) => {
      expect(isRetryable(new GatewayError(code, "x"))).toBe(false);
    },
  );

  it("does not retry what is not a gateway error", () => {
    expect(isRetryable(new Error("bug"))).toBe(false);
  });
});

describe("retryDelayMs", () => {
  it("honours the upstream's Retry-After", () => {
    const error = new GatewayError("upstream_http_error", "x", { upstreamStatus: 429, retryAfterSeconds: 7 });
    expect(retryDelayMs(error, settings, 0, () => 0.5)).toBe(7000);
  });

  it.each([
    [0, 1, 100],
    [1, 1, 200],
    [2, 0.5, 200],
    [5, 1, 1000],
  ])(
    "waits a random share of the doubled backoff, capped (retry %i, draw %d: %i ms)",
    (retry, draw, expected) => {
      expect(retryDelayMs(new GatewayError("upstream_timeout", "x"), settings, retry, () => draw)).toBe(
        expected,
      );
    },
  );
});
