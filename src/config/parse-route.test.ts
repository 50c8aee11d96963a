import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import type { GatewayConfig, RouteConfig, TargetConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";
import { DEFAULT_CIRCUIT_BREAKER, DEFAULT_RETRIES } from "./resilience-settings.js";
import { routeEntrySchema } from "./route-entry-schema.js";
import { DEFAULT_ROUTE_GOVERNANCE } from "./route-governance.js";
import { DEFAULT_UPSTREAM_TIMEOUTS } from "./route-timeouts.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const ROUTE_KEYS = Object.keys(routeEntrySchema.shape).join(", ");
const MISSING_MODEL = "is required (or 'targets', a list of several models)";
const MOCK_CONFIG = { embedding_dimensions: 8, latency_ms: 0 };

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

/** One chat route named `r`; the given lines follow its type, from line 4. */
function chatRoute(...rest: string[]): string {
  return lines("routes:", "  - name: r", "    type: llm/v1/chat", ...rest);
}

function configOf(text: string): GatewayConfig {
  const result = parseConfig(text, FILE, {});
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config;
}

function routeOf(text: string): RouteConfig {
  const route = configOf(text).routes[0];
  if (route === undefined) throw new Error("expected a route");
  return route;
}

/** The problems as `line:column field: message`, compact enough for a table. */
function problemsOf(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues.map((issue) => `${issue.line}:${issue.column} ${issue.field}: ${issue.message}`);
}

/** A mock target as parsed without weight or timeouts. */
function mockTarget(model = "mock-echo"): TargetConfig {
  return {
    provider: "mock",
    model,
    config: MOCK_CONFIG,
    weight: 1,
    timeouts: DEFAULT_UPSTREAM_TIMEOUTS,
    price: null,
  };
}

/** A route as parsed when it sets no strategy, retries, circuit breaker or in-flight limit. */
function withDefaults(route: Pick<RouteConfig, "name" | "type" | "targets">): RouteConfig {
  return {
    strategy: "fallback",
    retries: DEFAULT_RETRIES,
    circuitBreaker: DEFAULT_CIRCUIT_BREAKER,
    maxInFlight: null,
    governance: DEFAULT_ROUTE_GOVERNANCE,
    ...route,
  };
}

describe("parseRoute: one model or a list of targets", () => {
  it("reads `model:` as a list of one target, with the default resilience settings", () => {
    expect(routeOf(chatRoute("    model:", "      provider: mock"))).toEqual(
      withDefaults({ name: "r", type: "llm/v1/chat", targets: [mockTarget()] }),
    );
  });

  it("reads `targets:` in the order written, each with weight 1 and the default timeouts", () => {
    const text = chatRoute(
      "    targets:",
      "      - provider: mock",
      "        name: first",
      "      - provider: MOCK",
      "        name: second",
      "      - {provider: mock, name: third}",
    );
    expect(routeOf(text)).toEqual(
      withDefaults({
        name: "r",
        type: "llm/v1/chat",
        targets: [mockTarget("first"), mockTarget("second"), mockTarget("third")],
      }),
    );
  });

  it("accepts a list of a single target", () => {
    expect(routeOf(chatRoute("    targets:", "      - provider: mock")).targets).toEqual([mockTarget()]);
  });

  it.each([
    {
      case: "a route with both `model` and `targets`, at the `targets` key",
      text: chatRoute("    model: {provider: mock}", "    targets:", "      - provider: mock"),
      problems: ["5:5 targets: a route has either 'model' (one target) or 'targets' (several), not both"],
    },
    {
      case: "a route with neither `model` nor `targets`, at the route",
      text: chatRoute("    strategy: fallback"),
      problems: [`2:5 model: ${MISSING_MODEL}`],
    },
    {
      case: "an empty `targets` list",
      text: chatRoute("    targets: []"),
      problems: ["4:14 targets: must have at least 1 item"],
    },
    {
      case: "`targets` with no value",
      text: chatRoute("    targets:"),
      problems: ["4:13 targets: must be a list (got null)"],
    },
    {
      case: "`targets` written as one mapping",
      text: chatRoute("    targets:", "      provider: mock"),
      problems: ["5:7 targets: must be a list (got an object)"],
    },
    {
      case: "a target that is a bare word, at its place in the list",
      text: chatRoute("    targets:", "      - provider: mock", "      - mock"),
      problems: ["6:9 targets.1: must be an object (got a string)"],
    },
  ])("rejects $case", ({ text, problems }) => {
    expect(problemsOf(text)).toEqual(problems);
  });

  it.each([
    {
      case: "a misspelt `model` key",
      text: chatRoute("    modle:", "      provider: mock"),
      problems: [`2:5 model: ${MISSING_MODEL}`, `4:5 modle: unknown key 'modle'; allowed: ${ROUTE_KEYS}`],
    },
    {
      case: "an invalid name",
      text: lines("routes:", "  - name: bad name", "    type: llm/v1/chat"),
      problems: [
        `2:5 model: ${MISSING_MODEL}`,
        `2:11 name: may only contain letters, digits, '_', '-' and '.' (it becomes part of the URL); got "bad name"`,
      ],
    },
  ])("names a missing model beside the route's other problems: $case", ({ text, problems }) => {
    expect(problemsOf(text)).toEqual(problems);
  });

  it("does not call a route that is not a mapping a route without a model", () => {
    expect(problemsOf(lines("routes:", "  - [chat]"))).toEqual([
      "2:5 routes[0]: must be an object (got a list)",
    ]);
  });
});

describe("parseRoute: strategy", () => {
  const withStrategy = (strategy: string) =>
    chatRoute(`    strategy: ${strategy}`, "    targets:", "      - provider: mock");

  it("falls back in order when no strategy is given", () => {
    expect(routeOf(chatRoute("    targets:", "      - provider: mock")).strategy).toBe("fallback");
  });

  it.each(["fallback", "weighted"])("accepts the strategy %s", (strategy) => {
    expect(routeOf(withStrategy(strategy)).strategy).toBe(strategy);
  });

  it("accepts a strategy with a single `model:`", () => {
    expect(routeOf(chatRoute("    strategy: weighted", "    model: {provider: mock}")).strategy).toBe(
      "weighted",
    );
  });

  it.each([
    { strategy: "round_robin", got: ' (got "round_robin")' },
    { strategy: "Weighted", got: ' (got "Weighted")' },
    { strategy: "1", got: " (got 1)" },
  ])("rejects the strategy $strategy at its value, listing the allowed ones", ({ strategy, got }) => {
    expect(problemsOf(withStrategy(strategy))).toEqual([
      `4:15 strategy: must be one of: "fallback", "weighted"${got}`,
    ]);
  });
});

describe("parseRoute: target weights", () => {
  it("reads weights under `strategy: weighted`, giving 1 to a target without one", () => {
    const text = chatRoute(
      "    strategy: weighted",
      "    targets:",
      "      - provider: mock",
      "        weight: 3",
      "      - provider: mock",
      "      - provider: mock",
      "        weight: 0.5",
    );
    expect(routeOf(text).targets.map((target) => target.weight)).toEqual([3, 1, 0.5]);
  });

  it.each([
    {
      case: "no strategy",
      text: chatRoute("    targets:", "      - provider: mock", "        weight: 2"),
      problem: "6:17 targets.0.weight",
    },
    {
      case: "`strategy: fallback`",
      text: chatRoute(
        "    strategy: fallback",
        "    targets:",
        "      - provider: mock",
        "      - provider: mock",
        "        weight: 2",
      ),
      problem: "8:17 targets.1.weight",
    },
  ])("rejects a weight with $case, at the weight", ({ text, problem }) => {
    expect(problemsOf(text)).toEqual([
      `${problem}: only applies with 'strategy: weighted' (this route uses fallback, in order)`,
    ]);
  });

  it.each([
    { weight: "0", message: "must be greater than 0 (got 0)" },
    { weight: "-2", message: "must be greater than 0 (got -2)" },
    { weight: "1000001", message: "must be at most 1000000 (got 1000001)" },
    { weight: "heavy", message: "must be a number (got a string)" },
  ])("rejects the weight $weight at its value", ({ weight, message }) => {
    const text = chatRoute(
      "    strategy: weighted",
      "    targets:",
      "      - provider: mock",
      `        weight: ${weight}`,
    );
    expect(problemsOf(text)).toEqual([`7:17 targets.0.weight: ${message}`]);
  });

  it("rejects a weight under `model:`, listing the keys a model takes", () => {
    const text = chatRoute("    strategy: weighted", "    model:", "      provider: mock", "      weight: 2");
    expect(problemsOf(text)).toEqual([
      "7:7 model.weight: unknown key 'weight'; allowed: provider, name, config",
    ]);
  });
});

describe("parseRoute: max_in_flight", () => {
  const limited = (value: string) => chatRoute("    model: {provider: mock}", `    max_in_flight: ${value}`);

  it("sets no limit when max_in_flight is not given", () => {
    expect(routeOf(chatRoute("    model: {provider: mock}")).maxInFlight).toBeNull();
  });

  it.each([1, 64, 1_000_000])("accepts max_in_flight: %d", (value) => {
    expect(routeOf(limited(String(value))).maxInFlight).toBe(value);
  });

  it.each([
    { value: "0", message: "must be at least 1 (got 0)" },
    { value: "-5", message: "must be at least 1 (got -5)" },
    { value: "1000001", message: "must be at most 1000000 (got 1000001)" },
    { value: "2.5", message: "must be an integer (got a number)" },
    { value: '"10"', message: "must be a number (got a string)" },
  ])("rejects max_in_flight: $value at its value", ({ value, message }) => {
    expect(problemsOf(limited(value))).toEqual([`5:20 max_in_flight: ${message}`]);
  });
});
