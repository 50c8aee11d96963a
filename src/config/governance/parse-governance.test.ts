import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "../config-issue.js";
import { parseConfig } from "../parse-config.js";
import { defaultGovernanceConfig } from "./governance-config.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const lines = (...text: string[]): string => `${text.join("\n")}\n`;

function governanceOf(text: string, env: NodeJS.ProcessEnv = {}) {
  const result = parseConfig(text, FILE, env);
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config.governance;
}

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const result = parseConfig(text, FILE, env);
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.issues.map(formatConfigIssue);
}

describe("the governance block's store settings", () => {
  it("defaults to the embedded store, its file beside the config file", () => {
    const defaults = defaultGovernanceConfig("/srv/switchyard");
    expect(defaults.store).toEqual({ kind: "local", path: "/srv/switchyard/switchyard-governance.db" });
    expect(governanceOf(lines("routes: []"))).toEqual(defaults);
    expect(governanceOf(lines("routes: []", "governance:"))).toEqual(defaults);
  });

  it("resolves a relative local path against the config file's folder", () => {
    const text = lines("routes: []", "governance:", "  store:", "    path: state/gov.db");
    expect(governanceOf(text).store).toEqual({ kind: "local", path: "/srv/switchyard/state/gov.db" });
  });

  it("reads a Redis store's URL from the environment, with defaults for the rest", () => {
    const text = lines("routes: []", "governance:", "  store:", "    kind: redis", "    url: $REDIS_URL");
    expect(governanceOf(text, { REDIS_URL: "redis://127.0.0.1:6390/0" }).store).toEqual({
      kind: "redis",
      url: "redis://127.0.0.1:6390/0",
      hashTag: "sy",
      commandTimeoutMs: 25,
      onUnavailable: { rateLimits: "local", budgets: "deny" },
    });
  });

  it("requires a URL for Redis and never echoes a malformed one (it may hold a password)", () => {
    expect(problemsOf(lines("routes: []", "governance:", "  store:", "    kind: redis"))).toEqual([
      "/srv/switchyard/switchyard.yaml:4:11: field governance.store.kind: 'kind: redis' needs 'url' (for example url: $SWITCHYARD_REDIS_URL)",
    ]);
    const problems = problemsOf(
      lines("routes: []", "governance:", "  store:", "    kind: redis", "    url: http://user:hunter2@host"),
    );
    expect(problems).toEqual([
      "/srv/switchyard/switchyard.yaml:5:10: field governance.store.url: must be a redis://, rediss:// or unix:// URL",
    ]);
    expect(problems.join("")).not.toContain("hunter2");
  });

  it("reports unknown keys and settings of the other kind at their line", () => {
    const problems = problemsOf(
      lines(
        "routes: []",
        "governance:",
        "  stores: {}",
        "  store:",
        "    kind: local",
        "    url: redis://x",
        "    timeout: 3",
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /:3:3: field governance\.stores: unknown key 'stores'; allowed: store, auth, admin, orgs, groups, keys, limits, budgets, prices, estimates, usage_log/,
      ),
      expect.stringMatching(
        /:7:5: field governance\.store\.timeout: unknown key 'timeout'; allowed: kind, path, url, hash_tag, command_timeout_ms, on_unavailable/,
      ),
    ]);
    expect(
      problemsOf(lines("routes: []", "governance:", "  store:", "    kind: local", "    url: redis://x")),
    ).toEqual([expect.stringMatching(/:5:5: field governance\.store\.url: only applies with 'kind: redis'/)]);
  });
});

describe("the usage aggregates' hourly retention", () => {
  it("keeps hourly buckets 7 days unless configured, from 1 to 90 days", () => {
    expect(governanceOf(lines("routes: []")).usageLog.hourlyRetentionDays).toBe(7);
    const text = lines("routes: []", "governance:", "  usage_log:", "    hourly_retention_days: 30");
    expect(governanceOf(text).usageLog.hourlyRetentionDays).toBe(30);
    const problems = problemsOf(
      lines("routes: []", "governance:", "  usage_log:", "    hourly_retention_days: 0"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /switchyard\.yaml:4:\d+: field governance\.usage_log\.hourly_retention_days: /,
    );
  });
});
