import { describe, expect, it } from "vitest";
import { decodeErrorMessage, decodeErrorRetryAfter } from "./error-message.js";

const RATE_LIMITED = {
  error: {
    code: 429,
    message: "Resource has been exhausted (e.g. check quota).",
    status: "RESOURCE_EXHAUSTED",
    details: [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "45.837906927s" },
    ],
  },
};

describe("Google error envelopes", () => {
  it("reads the message of the envelope, and of the envelope wrapped in a list", () => {
    expect(decodeErrorMessage(RATE_LIMITED)).toBe("Resource has been exhausted (e.g. check quota).");
    expect(decodeErrorMessage([RATE_LIMITED])).toBe("Resource has been exhausted (e.g. check quota).");
    expect(decodeErrorMessage({ error: { code: 500 } })).toBeUndefined();
  });

  it("reads RetryInfo's fractional retryDelay as whole seconds, rounded up", () => {
    expect(decodeErrorRetryAfter(RATE_LIMITED)).toBe(46);
    expect(decodeErrorRetryAfter({ error: { code: 429, details: [] } })).toBeUndefined();
  });
});
