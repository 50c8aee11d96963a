import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import type { GatewayConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";
import {
  DEFAULT_UPSTREAM_TIMEOUTS,
  MLFLOW_UPSTREAM_TIMEOUTS,
  resolveTimeouts,
  TIMEOUT_KEYS,
  type TimeoutsEntry,
  type UpstreamTimeouts,
} from "./route-timeouts.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const DEFAULT = DEFAULT_UPSTREAM_TIMEOUTS;

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

function configOf(text: string): GatewayConfig {
  const result = parseConfig(text, FILE, {});
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config;
}

/** The problems as `line:column field: message`, compact enough for a table. */
function problemsOf(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues.map((issue) => `${issue.line}:${issue.column} ${issue.field}: ${issue.message}`);
}

describe("resolveTimeouts", () => {
  it.each<{ case: string; route: TimeoutsEntry; target: TimeoutsEntry; expected: UpstreamTimeouts }>([
    {
      case: "the defaults when neither sets a timeout",
      route: undefined,
      target: undefined,
      expected: DEFAULT,
    },
    { case: "the defaults for empty blocks", route: {}, target: {}, expected: DEFAULT },
    {
      case: "the route's values, and the defaults for the keys it leaves out",
      route: { first_byte_seconds: 10, total_seconds: 120 },
      target: undefined,
      expected: { ...DEFAULT, firstByteMs: 10_000, totalMs: 120_000 },
    },
    {
      case: "the target's values without a route block",
      route: undefined,
      target: { idle_seconds: 15 },
      expected: { ...DEFAULT, idleMs: 15_000 },
    },
    {
      case: "the target's value over the route's, key by key",
      route: { first_byte_seconds: 10, idle_seconds: 20 },
      target: { idle_seconds: 5, total_seconds: 60 },
      expected: { ...DEFAULT, firstByteMs: 10_000, idleMs: 5_000, totalMs: 60_000 },
    },
    {
      case: "MLflow's 300 s everywhere with the route's preset",
      route: { preset: "mlflow" },
      target: undefined,
      expected: MLFLOW_UPSTREAM_TIMEOUTS,
    },
    {
      case: "the route's preset under its own keys and the target's",
      route: { preset: "mlflow", idle_seconds: 20 },
      target: { first_token_seconds: 90 },
      expected: { ...MLFLOW_UPSTREAM_TIMEOUTS, idleMs: 20_000, firstTokenMs: 90_000 },
    },
    {
      case: "a target's preset alone, without the route's keys (written for the route's preset)",
      route: { idle_seconds: 20 },
      target: { preset: "mlflow", total_seconds: 600 },
      expected: { ...MLFLOW_UPSTREAM_TIMEOUTS, totalMs: 600_000 },
    },
    {
      case: "fractions of a second in whole milliseconds",
      route: { first_byte_seconds: 2.5, idle_seconds: 0.0334 },
      target: undefined,
      expected: { ...DEFAULT, firstByteMs: 2_500, idleMs: 33 },
    },
    {
      case: "1 ms, never 0 (no timeout at all), for a positive value below half a millisecond",
      route: undefined,
      target: { first_byte_seconds: 0.0001, idle_seconds: 0.0004, total_seconds: 0.0006 },
      expected: { ...DEFAULT, firstByteMs: 1, idleMs: 1, totalMs: 1 },
    },
  ])("gives $case", ({ route, target, expected }) => {
    expect(resolveTimeouts(route, target)).toEqual(expected);
  });
});

describe("route and target timeouts in a config", () => {
  it("applies the route's timeouts to every target, and a target's own over them, key by key", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    timeouts: {first_byte_seconds: 10, idle_seconds: 20}",
      "    targets:",
      "      - provider: mock",
      "      - provider: mock",
      "        timeouts: {idle_seconds: 5, total_seconds: 60}",
    );
    expect(configOf(text).routes[0]?.targets.map((target) => target.timeouts)).toEqual([
      { ...DEFAULT, firstByteMs: 10_000, idleMs: 20_000 },
      { ...DEFAULT, firstByteMs: 10_000, idleMs: 5_000, totalMs: 60_000 },
    ]);
  });

  it("applies the route's timeouts to the target of `model:`", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    model: {provider: mock}",
      "    timeouts: {total_seconds: 30}",
    );
    expect(configOf(text).routes[0]?.targets[0]?.timeouts).toEqual({ ...DEFAULT, totalMs: 30_000 });
  });

  it("rejects timeouts under `model:`, where the route's apply", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    model:",
      "      provider: mock",
      "      timeouts: {total_seconds: 30}",
    );
    expect(problemsOf(text)).toEqual([
      "6:7 model.timeouts: unknown key 'timeouts'; allowed: provider, name, config",
    ]);
  });

  it.each([
    {
      line: "first_byte_seconds: 0",
      problem: "5:27 timeouts.first_byte_seconds: must be greater than 0 (got 0)",
    },
    { line: "idle_seconds: -1", problem: "5:21 timeouts.idle_seconds: must be greater than 0 (got -1)" },
    {
      line: "total_seconds: 86401",
      problem: "5:22 timeouts.total_seconds: must be at most 86400 (got 86401)",
    },
    { line: "total_seconds: 30s", problem: "5:22 timeouts.total_seconds: must be a number (got a string)" },
    {
      line: "first_token_seconds: 0",
      problem: "5:28 timeouts.first_token_seconds: must be greater than 0 (got 0)",
    },
    {
      line: "preset: fast",
      problem: '5:15 timeouts.preset: must be one of: "interactive", "mlflow" (got "fast")',
    },
    {
      line: "total: 30",
      problem: `5:7 timeouts.total: unknown key 'total'; allowed: ${TIMEOUT_KEYS}`,
    },
  ])("rejects the route timeout `$line` where it is written", ({ line, problem }) => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    timeouts:",
      `      ${line}`,
      "    model: {provider: mock}",
    );
    expect(problemsOf(text)).toEqual([problem]);
  });
});
