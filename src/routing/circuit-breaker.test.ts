import { describe, expect, it } from "vitest";
import { DEFAULT_CIRCUIT_BREAKER } from "../config/resilience-settings.js";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker.js";

const settings = {
  ...DEFAULT_CIRCUIT_BREAKER,
  failureThreshold: 3,
  cooldownMs: 1000,
  rampUpMs: 1000,
  probeIntervalMs: 400,
};

function breakerWithLog(random: () => number = () => 0.5): { breaker: CircuitBreaker; log: string[] } {
  const log: string[] = [];
  const breaker = new CircuitBreaker(
    settings,
    (from: CircuitState, to: CircuitState) => log.push(`${from}->${to}`),
    random,
  );
  return { breaker, log };
}

describe("CircuitBreaker", () => {
  it("stays closed below the failure threshold, and a success resets the count", () => {
    const { breaker } = breakerWithLog();
    breaker.recordFailure(0);
    breaker.recordFailure(0);
    breaker.recordSuccess(0);
    breaker.recordFailure(0);
    breaker.recordFailure(0);
    expect(breaker.state).toBe("closed");
    expect(breaker.allowRequest(0)).toBe(true);
  });

  it("opens after the threshold of consecutive failures and skips the target during the cool-down", () => {
    const { breaker, log } = breakerWithLog();
    for (let count = 0; count < 3; count++) breaker.recordFailure(100);
    expect(breaker.state).toBe("open");
    expect(breaker.allowRequest(500)).toBe(false);
    expect(breaker.retryInMs(500)).toBe(600);
    expect(log).toEqual(["closed->open"]);
  });

  it("lets exactly one probe through after the cool-down", () => {
    const { breaker, log } = breakerWithLog();
    for (let count = 0; count < 3; count++) breaker.recordFailure(0);
    expect(breaker.allowRequest(1000)).toBe(true);
    expect(breaker.state).toBe("half_open");
    expect(breaker.allowRequest(1001)).toBe(false);
    expect(log).toEqual(["closed->open", "open->half_open"]);
  });

  it("opens again when the probe fails, and probes again after the probe interval", () => {
    const { breaker } = breakerWithLog();
    for (let count = 0; count < 3; count++) breaker.recordFailure(0);
    breaker.allowRequest(1000);
    breaker.recordFailure(1100);
    expect(breaker.state).toBe("open");
    expect(breaker.retryInMs(1100)).toBe(400);
    expect(breaker.allowRequest(1499)).toBe(false);
    expect(breaker.allowRequest(1500)).toBe(true);
  });

  it("adopts another worker's opening, with its cool-down, and another worker's successful probe", () => {
    const { breaker, log } = breakerWithLog();
    breaker.adopt("open", 100);
    expect(breaker.state).toBe("open");
    expect(breaker.allowRequest(1099)).toBe(false);
    breaker.adopt("closed", 500);
    expect(breaker.state).toBe("closed");
    expect(breaker.allowRequest(501)).toBe(true);
    // A recovery older than the outage it would end is stale news.
    breaker.adopt("open", 2000);
    breaker.adopt("closed", 1500);
    expect(breaker.state).toBe("open");
    expect(log).toEqual([]);
  });

  it("holds its own probe while another worker's is under way, and takes over that probe's failure and next probe", () => {
    const { breaker } = breakerWithLog();
    breaker.adopt("open", 100, { message: "HTTP 503", at: 99 });
    expect(breaker.lastFailure).toEqual({ message: "HTTP 503", at: 99 });
    // The other worker's probe starts at the end of the cool-down: this one sends none into the same outage.
    breaker.adopt("half_open", 1100);
    expect(breaker.state).toBe("half_open");
    expect(breaker.allowRequest(1101)).toBe(false);
    // That probe failed: the circuit opens again everywhere, and the next probe is after the probe interval.
    breaker.adopt("open", 1200, { message: "still down", at: 1200 }, 1600);
    expect(breaker.lastFailure?.message).toBe("still down");
    expect(breaker.allowRequest(1599)).toBe(false);
    expect(breaker.allowRequest(1600)).toBe(true);
  });

  it("ramps traffic back gradually after a successful probe, then closes", () => {
    const draws = [0.05, 0.5, 0.5, 0.95];
    const { breaker, log } = breakerWithLog(() => draws.shift() ?? 0);
    for (let count = 0; count < 3; count++) breaker.recordFailure(0);
    breaker.allowRequest(1000);
    breaker.recordSuccess(1000);
    expect(breaker.state).toBe("recovering");
    // At the start of the ramp about 10% of requests pass: a draw of 0.05 passes, 0.5 does not.
    expect(breaker.allowRequest(1000)).toBe(true);
    expect(breaker.allowRequest(1000)).toBe(false);
    // Halfway, 55% pass.
    expect(breaker.allowRequest(1500)).toBe(true);
    expect(breaker.allowRequest(1500)).toBe(false);
    // After the ramp, everything passes and the circuit is closed.
    expect(breaker.allowRequest(2000)).toBe(true);
    expect(breaker.state).toBe("closed");
    expect(log).toEqual(["closed->open", "open->half_open", "half_open->recovering", "recovering->closed"]);
  });

  it("reopens when a request fails while recovering", () => {
    const { breaker } = breakerWithLog(() => 0);
    for (let count = 0; count < 3; count++) breaker.recordFailure(0);
    breaker.allowRequest(1000);
    breaker.recordSuccess(1000);
    breaker.recordFailure(1200);
    expect(breaker.state).toBe("open");
  });

  it("replaces a probe whose outcome never came after another cool-down", () => {
    const { breaker } = breakerWithLog();
    for (let count = 0; count < 3; count++) breaker.recordFailure(0);
    expect(breaker.allowRequest(1000)).toBe(true);
    expect(breaker.allowRequest(1500)).toBe(false);
    expect(breaker.allowRequest(2000)).toBe(true);
  });

  it("never opens with a failure threshold of 0", () => {
    const breaker = new CircuitBreaker({ ...settings, failureThreshold: 0 });
    for (let count = 0; count < 50; count++) breaker.recordFailure(0);
    expect(breaker.state).toBe("closed");
    expect(breaker.allowRequest(0)).toBe(true);
  });
});
