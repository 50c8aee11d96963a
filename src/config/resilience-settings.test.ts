import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import type { RouteConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";
import {
  CIRCUIT_BREAKER_KEYS,
  circuitBreakerSchema,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_RETRIES,
  RETRY_KEYS,
  retriesSchema,
} from "./resilience-settings.js";

const FILE = "/srv/switchyard/switchyard.yaml";

/** One mock chat route; the given lines follow its model, from line 5. */
function route(...rest: string[]): string {
  return ["routes:", "  - name: r", "    type: llm/v1/chat", "    model: {provider: mock}", ...rest, ""].join(
    "\n",
  );
}

/** A route with a `<key>:` block holding the given lines, from line 6. */
function block(key: string, ...blockLines: string[]): string {
  return route(`    ${key}:`, ...blockLines.map((line) => `      ${line}`));
}

function routeOf(text: string): RouteConfig {
  const result = parseConfig(text, FILE, {});
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  const parsed = result.config.routes[0];
  if (parsed === undefined) throw new Error("expected a route");
  return parsed;
}

/** The problems as `line:column field: message`, compact enough for a table. */
function problemsOf(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues.map((issue) => `${issue.line}:${issue.column} ${issue.field}: ${issue.message}`);
}

describe("retries", () => {
  it.each([
    { case: "no `retries` block", text: route() },
    { case: "an empty `retries` block", text: route("    retries: {}") },
  ])("uses the default retries for $case", ({ text }) => {
    expect(routeOf(text).retries).toEqual(DEFAULT_RETRIES);
  });

  it("reads every key, seconds as milliseconds", () => {
    const text = block(
      "retries",
      "max_attempts: 4",
      "initial_backoff_seconds: 0.1",
      "max_backoff_seconds: 2",
      "budget_seconds: 30",
    );
    expect(routeOf(text).retries).toEqual({
      maxAttempts: 4,
      initialBackoffMs: 100,
      maxBackoffMs: 2_000,
      budgetMs: 30_000,
    });
  });

  it.each([
    { line: "max_attempts: 1", expected: { maxAttempts: 1 } },
    { line: "max_attempts: 10", expected: { maxAttempts: 10 } },
    { line: "initial_backoff_seconds: 0", expected: { initialBackoffMs: 0 } },
    { line: "max_backoff_seconds: 0", expected: { maxBackoffMs: 0 } },
    { line: "budget_seconds: 0.5", expected: { budgetMs: 500 } },
    { line: "budget_seconds: 86400", expected: { budgetMs: 86_400_000 } },
  ])("accepts `$line`, keeping the defaults for the other keys", ({ line, expected }) => {
    expect(routeOf(block("retries", line)).retries).toEqual({ ...DEFAULT_RETRIES, ...expected });
  });

  it.each([
    { line: "max_attempts: 0", problem: "6:21 retries.max_attempts: must be at least 1 (got 0)" },
    { line: "max_attempts: 11", problem: "6:21 retries.max_attempts: must be at most 10 (got 11)" },
    { line: "max_attempts: 2.5", problem: "6:21 retries.max_attempts: must be an integer (got a number)" },
    { line: "budget_seconds: 0", problem: "6:23 retries.budget_seconds: must be greater than 0 (got 0)" },
    { line: "budget_seconds: -1", problem: "6:23 retries.budget_seconds: must be greater than 0 (got -1)" },
    {
      line: "initial_backoff_seconds: -0.5",
      problem: "6:32 retries.initial_backoff_seconds: must be at least 0 (got -0.5)",
    },
    {
      line: "max_backoff_seconds: 86401",
      problem: "6:28 retries.max_backoff_seconds: must be at most 86400 (got 86401)",
    },
    {
      line: "attempts: 3",
      problem: `6:7 retries.attempts: unknown key 'attempts'; allowed: ${RETRY_KEYS}`,
    },
  ])("rejects `$line` where it is written", ({ line, problem }) => {
    expect(problemsOf(block("retries", line))).toEqual([problem]);
  });

  it("rejects a `retries` that is not a mapping", () => {
    expect(problemsOf(route("    retries: 3"))).toEqual(["5:14 retries: must be an object (got a number)"]);
  });

  it("lists every key it takes when it rejects an unknown one", () => {
    expect(RETRY_KEYS).toBe(Object.keys(retriesSchema.in.unwrap().shape).join(", "));
  });
});

describe("circuit_breaker", () => {
  it.each([
    { case: "no `circuit_breaker` block", text: route() },
    { case: "an empty `circuit_breaker` block", text: route("    circuit_breaker: {}") },
  ])("uses the default breaker for $case", ({ text }) => {
    expect(routeOf(text).circuitBreaker).toEqual(DEFAULT_CIRCUIT_BREAKER);
  });

  it("reads every key, seconds as milliseconds", () => {
    const text = block(
      "circuit_breaker",
      "failure_threshold: 3",
      "cooldown_seconds: 10",
      "ramp_up_seconds: 0.25",
      "probe_interval_seconds: 2",
      "fail_fast: true",
    );
    expect(routeOf(text).circuitBreaker).toEqual({
      failureThreshold: 3,
      cooldownMs: 10_000,
      rampUpMs: 250,
      probeIntervalMs: 2000,
      failFast: true,
    });
  });

  it("keeps failure_threshold: 0, which turns the breaker off", () => {
    expect(routeOf(block("circuit_breaker", "failure_threshold: 0")).circuitBreaker).toEqual({
      ...DEFAULT_CIRCUIT_BREAKER,
      failureThreshold: 0,
    });
  });

  it.each([
    { line: "failure_threshold: 1000", expected: { failureThreshold: 1000 } },
    { line: "cooldown_seconds: 0", expected: { cooldownMs: 0 } },
    { line: "ramp_up_seconds: 0", expected: { rampUpMs: 0 } },
    { line: "ramp_up_seconds: 86400", expected: { rampUpMs: 86_400_000 } },
  ])("accepts `$line`, keeping the defaults for the other keys", ({ line, expected }) => {
    expect(routeOf(block("circuit_breaker", line)).circuitBreaker).toEqual({
      ...DEFAULT_CIRCUIT_BREAKER,
      ...expected,
    });
  });

  it.each([
    {
      line: "failure_threshold: -1",
      problem: "6:26 circuit_breaker.failure_threshold: must be at least 0 (got -1)",
    },
    {
      line: "failure_threshold: 1001",
      problem: "6:26 circuit_breaker.failure_threshold: must be at most 1000 (got 1001)",
    },
    {
      line: "failure_threshold: 2.5",
      problem: "6:26 circuit_breaker.failure_threshold: must be an integer (got a number)",
    },
    {
      line: "cooldown_seconds: -1",
      problem: "6:25 circuit_breaker.cooldown_seconds: must be at least 0 (got -1)",
    },
    {
      line: "ramp_up_seconds: 86401",
      problem: "6:24 circuit_breaker.ramp_up_seconds: must be at most 86400 (got 86401)",
    },
    {
      line: "probe_interval_seconds: 0",
      problem: "6:31 circuit_breaker.probe_interval_seconds: must be at least 0.1 (got 0)",
    },
    {
      line: "fail_fast: yes please",
      problem: "6:18 circuit_breaker.fail_fast: must be true or false (got a string)",
    },
    {
      line: "threshold: 3",
      problem: `6:7 circuit_breaker.threshold: unknown key 'threshold'; allowed: ${CIRCUIT_BREAKER_KEYS}`,
    },
  ])("rejects `$line` where it is written", ({ line, problem }) => {
    expect(problemsOf(block("circuit_breaker", line))).toEqual([problem]);
  });

  it("rejects a `circuit_breaker` that is not a mapping", () => {
    expect(problemsOf(route("    circuit_breaker: true"))).toEqual([
      "5:22 circuit_breaker: must be an object (got a boolean)",
    ]);
  });

  it("lists every key it takes when it rejects an unknown one", () => {
    expect(CIRCUIT_BREAKER_KEYS).toBe(Object.keys(circuitBreakerSchema.in.unwrap().shape).join(", "));
  });
});
