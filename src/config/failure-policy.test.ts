import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import { DEFAULT_FAILURE_POLICY } from "./failure-policy.js";
import type { RouteConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const ALLOWED =
  "allowed: rate_limited, overloaded, server_error, connection, timeout, invalid_response, client_error";

/** One mock chat route with two targets; the given lines follow, from line 8. */
function route(...rest: string[]): string {
  return [
    "routes:",
    "  - name: r",
    "    type: llm/v1/chat",
    "    targets:",
    "      - provider: mock",
    "      - provider: mock",
    "        name: other",
    ...rest,
    "",
  ].join("\n");
}

function routeOf(text: string): RouteConfig {
  const result = parseConfig(text, FILE, {});
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  const parsed = result.config.routes[0];
  if (parsed === undefined) throw new Error("expected a route");
  return parsed;
}

function problemsOf(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues.map(formatConfigIssue);
}

describe("a route's failure policy", () => {
  it("defaults to retrying rate limits, server errors and dropped connections, and moving on from the rest", () => {
    expect(routeOf(route()).failurePolicy).toEqual(DEFAULT_FAILURE_POLICY);
    expect(DEFAULT_FAILURE_POLICY).toEqual({
      retryOn: ["rate_limited", "server_error", "connection"],
      fallbackOn: ["rate_limited", "overloaded", "server_error", "connection", "timeout", "invalid_response"],
      contextWindowFallback: true,
      midStreamContinuation: false,
    });
  });

  it("reads retry_on, fallback_on, context_window_fallback and mid_stream_continuation", () => {
    const text = route(
      "    retry_on: [timeout, timeout]",
      "    fallback_on: [client_error, server_error]",
      "    context_window_fallback: false",
      "    mid_stream_continuation: true",
    );
    expect(routeOf(text).failurePolicy).toEqual({
      retryOn: ["timeout"],
      fallbackOn: ["client_error", "server_error"],
      contextWindowFallback: false,
      midStreamContinuation: true,
    });
  });

  it("takes an empty list as 'never'", () => {
    expect(routeOf(route("    retry_on: []")).failurePolicy.retryOn).toEqual([]);
  });

  it.each([
    {
      line: "    retry_on: [timeout, timout]",
      problem: `${FILE}:8:25: route 'r', field retry_on.1: unknown failure kind 'timout'; ${ALLOWED}`,
    },
    {
      line: "    fallback_on: [content_filter]",
      problem: `${FILE}:8:19: route 'r', field fallback_on.0: 'content_filter' is always final: a content-policy refusal is never retried or routed around; ${ALLOWED}`,
    },
    {
      line: "    fallback_on: [context_length]",
      problem: `${FILE}:8:19: route 'r', field fallback_on.0: 'context_length' is set by context_window_fallback (true or false); ${ALLOWED}`,
    },
    {
      line: "    retry_on: timeout",
      problem: `${FILE}:8:15: route 'r', field retry_on: must be a list (got a string)`,
    },
    {
      line: "    mid_stream_continuation: on",
      problem: `${FILE}:8:30: route 'r', field mid_stream_continuation: must be true or false (got a string)`,
    },
  ])("rejects `$line` at its line and column, naming the allowed kinds", ({ line, problem }) => {
    expect(problemsOf(route(line))).toEqual([problem]);
  });
});
