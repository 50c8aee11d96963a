import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import { DEFAULT_OVERLOAD_SETTINGS } from "./overload-settings.js";
import { parseConfig } from "./parse-config.js";
import {
  DEFAULT_SERVER_SETTINGS,
  SERVER_KEYS,
  type ServerSettings,
  serverSettingsSchema,
} from "./server-settings.js";

const FILE = "/srv/switchyard/switchyard.yaml";

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

/** A file with no routes and a `server:` block holding the given lines, from line 3. */
function server(...serverLines: string[]): string {
  return lines("routes: []", "server:", ...serverLines.map((line) => `  ${line}`));
}

function settingsOf(text: string): ServerSettings {
  const result = parseConfig(text, FILE, {});
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config.server;
}

/** The problems as `line:column field: message`, compact enough for a table. */
function problemsOf(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues.map((issue) => `${issue.line}:${issue.column} ${issue.field}: ${issue.message}`);
}

describe("server settings", () => {
  it.each([
    { case: "no `server` block", text: lines("routes: []") },
    { case: "an empty `server` block", text: lines("routes: []", "server: {}") },
  ])("uses the defaults for $case", ({ text }) => {
    expect(settingsOf(text)).toEqual(DEFAULT_SERVER_SETTINGS);
  });

  it("reads every key, seconds as milliseconds", () => {
    const text = server(
      "max_body_bytes: 2048",
      "request_header_timeout_seconds: 2.5",
      "request_timeout_seconds: 30",
      "access_log: false",
      "sse_heartbeat_seconds: 0.5",
      "trusted_proxies: [127.0.0.1, 10.0.0.0/8, '::1']",
      "max_json_depth: 32",
      "worker_health_timeout_seconds: 4.5",
    );
    expect(settingsOf(text)).toEqual({
      maxBodyBytes: 2048,
      headersTimeoutMs: 2_500,
      requestTimeoutMs: 30_000,
      accessLog: false,
      sseHeartbeatMs: 500,
      trustedProxies: ["127.0.0.1", "10.0.0.0/8", "::1"],
      maxJsonDepth: 32,
      workerHealthTimeoutMs: 4_500,
      overload: DEFAULT_OVERLOAD_SETTINGS,
    });
  });

  it("reads the overload settings, keeping the defaults for the keys not given", () => {
    const text = server(
      "overload:",
      "  max_event_loop_delay_ms: 50",
      "  max_event_loop_utilization: 0",
      "  sample_interval_ms: 100",
      "  retry_after_seconds: 5",
      "  new_requests_per_turn: 8",
    );
    expect(settingsOf(text).overload).toEqual({
      enabled: true,
      maxEventLoopDelayMs: 50,
      maxEventLoopUtilization: 0,
      sampleIntervalMs: 100,
      retryAfterSeconds: 5,
      minRequestsInFlight: 32,
      newRequestsPerTurn: 8,
    });
    expect(settingsOf(server("overload: { new_requests_per_turn: 0 }")).overload.newRequestsPerTurn).toBe(0);
    expect(settingsOf(server("overload: { enabled: false }")).overload).toEqual({
      ...DEFAULT_OVERLOAD_SETTINGS,
      enabled: false,
    });
  });

  it.each([
    {
      line: "  max_event_loop_utilization: 1.5",
      problem: "4:33 server.overload.max_event_loop_utilization: must be at most 1 (got 1.5)",
    },
    {
      line: "  max_event_loop_delay_ms: -1",
      problem: "4:30 server.overload.max_event_loop_delay_ms: must be at least 0 (got -1)",
    },
    {
      line: "  sample_interval_ms: 5",
      problem: "4:25 server.overload.sample_interval_ms: must be at least 10 (got 5)",
    },
    {
      line: "  retry_after_seconds: 0",
      problem: "4:26 server.overload.retry_after_seconds: must be at least 1 (got 0)",
    },
    {
      line: "  new_requests_per_turn: 1.5",
      problem: "4:28 server.overload.new_requests_per_turn: must be an integer (got a number)",
    },
    {
      line: "  enabled: yes please",
      problem: "4:14 server.overload.enabled: must be true or false (got a string)",
    },
    {
      line: "  max_delay_ms: 100",
      problem:
        "4:5 server.overload.max_delay_ms: unknown key 'max_delay_ms'; allowed: enabled, max_event_loop_delay_ms, max_event_loop_utilization, sample_interval_ms, retry_after_seconds, min_requests_in_flight, new_requests_per_turn",
    },
  ])("rejects `overload:$line` where it is written", ({ line, problem }) => {
    expect(problemsOf(server("overload:", line))).toEqual([problem]);
  });

  it.each([
    { line: "max_body_bytes: 1024", expected: { maxBodyBytes: 1024 } },
    { line: "max_body_bytes: 1073741824", expected: { maxBodyBytes: 1024 * 1024 * 1024 } },
    { line: "request_timeout_seconds: 3600", expected: { requestTimeoutMs: 3_600_000 } },
    { line: "request_header_timeout_seconds: 60", expected: { headersTimeoutMs: 60_000 } },
    // Node reads a timeout of 0 as "no timeout"; a tiny positive one must stay a timeout.
    { line: "request_header_timeout_seconds: 0.0001", expected: { headersTimeoutMs: 1 } },
    { line: "max_json_depth: 1000", expected: { maxJsonDepth: 1000 } },
    { line: "worker_health_timeout_seconds: 1", expected: { workerHealthTimeoutMs: 1_000 } },
  ])("accepts `$line`, keeping the defaults for the other keys", ({ line, expected }) => {
    expect(settingsOf(server(line))).toEqual({ ...DEFAULT_SERVER_SETTINGS, ...expected });
  });

  it.each([
    { line: "max_body_bytes: 1023", problem: "3:19 server.max_body_bytes: must be at least 1024 (got 1023)" },
    {
      line: "max_body_bytes: 1073741825",
      problem: "3:19 server.max_body_bytes: must be at most 1073741824 (got 1073741825)",
    },
    {
      line: "max_body_bytes: 2048.5",
      problem: "3:19 server.max_body_bytes: must be an integer (got a number)",
    },
    { line: "max_body_bytes: 10MB", problem: "3:19 server.max_body_bytes: must be a number (got a string)" },
    {
      line: "request_timeout_seconds: 0",
      problem: "3:28 server.request_timeout_seconds: must be greater than 0 (got 0)",
    },
    {
      line: "request_timeout_seconds: 3601",
      problem: "3:28 server.request_timeout_seconds: must be at most 3600 (got 3601)",
    },
    {
      line: "request_header_timeout_seconds: -1",
      problem: "3:35 server.request_header_timeout_seconds: must be greater than 0 (got -1)",
    },
    {
      line: "max_json_depth: 1001",
      problem: "3:19 server.max_json_depth: must be at most 1000 (got 1001)",
    },
    { line: "max_json_depth: 1", problem: "3:19 server.max_json_depth: must be at least 2 (got 1)" },
    {
      line: "worker_health_timeout_seconds: 0.5",
      problem: "3:34 server.worker_health_timeout_seconds: must be at least 1 (got 0.5)",
    },
    {
      line: "max_body_size: 1048576",
      problem: `3:3 server.max_body_size: unknown key 'max_body_size'; allowed: ${SERVER_KEYS}`,
    },
  ])("rejects `$line` where it is written", ({ line, problem }) => {
    expect(problemsOf(server(line))).toEqual([problem]);
  });

  it.each([
    {
      case: "the default request timeout, at the headers timeout",
      lines: ["request_header_timeout_seconds: 120"],
      problem:
        "3:35 server.request_header_timeout_seconds: must be at most request_timeout_seconds (60, its default); the headers are part of the request",
    },
    {
      case: "the request timeout given, at the headers timeout",
      lines: ["request_timeout_seconds: 20", "request_header_timeout_seconds: 30"],
      problem:
        "4:35 server.request_header_timeout_seconds: must be at most request_timeout_seconds (20); the headers are part of the request",
    },
    {
      case: "a request timeout given below the default headers timeout, at the request timeout",
      lines: ["request_timeout_seconds: 5"],
      problem:
        "3:28 server.request_timeout_seconds: must be at least request_header_timeout_seconds (10, its default); the headers are part of the request",
    },
  ])("rejects a headers timeout longer than $case (Node would refuse to start)", (row) => {
    expect(problemsOf(server(...row.lines))).toEqual([row.problem]);
  });

  it("accepts a headers timeout equal to the request timeout", () => {
    const text = server("request_header_timeout_seconds: 20", "request_timeout_seconds: 20");
    expect(settingsOf(text)).toEqual({
      ...DEFAULT_SERVER_SETTINGS,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 20_000,
    });
  });

  it("rejects a `server` that is not a mapping", () => {
    expect(problemsOf(lines("routes: []", "server: 5"))).toEqual([
      "2:9 server: must be an object (got a number)",
    ]);
  });

  it("reports a server problem beside a route problem", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    model: {provider: openia}",
      "server:",
      "  max_body_bytes: 1",
    );
    expect(problemsOf(text).map((problem) => problem.split(": ")[0])).toEqual([
      "4:23 model.provider",
      "6:19 server.max_body_bytes",
    ]);
  });

  it("lists every key it takes when it rejects an unknown one", () => {
    expect(SERVER_KEYS).toBe(Object.keys(serverSettingsSchema.in.unwrap().shape).join(", "));
  });
});
