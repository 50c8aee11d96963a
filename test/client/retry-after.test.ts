import { describe, expect, it } from "vitest";
import { backoffDelayMs, parseRetryAfterMs } from "../../src/client/retry-after.js";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it.each([
    ["2", 2000],
    ["0", 0],
    [" 1.5 ", 1500],
    ["Wed, 01 Jan 2025 00:00:03 GMT", 3000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
  ])("reads %j as %i ms", (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });

  it.each([[null], ["soon"], ["-1"], [""]])("gives undefined for %j", (header) => {
    expect(parseRetryAfterMs(header, now)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  it("doubles with each attempt, with jitter between half and the full delay", () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const delay = backoffDelayMs(attempt, 100);
      expect(delay).toBeGreaterThanOrEqual(50 * 2 ** attempt);
      expect(delay).toBeLessThanOrEqual(100 * 2 ** attempt);
    }
  });
});
