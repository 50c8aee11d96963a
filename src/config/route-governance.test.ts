import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import type { GatewayConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const lines = (...rows: string[]): string => `${rows.join("\n")}\n`;
const route = (...extra: string[]) =>
  lines(
    "routes:",
    "  - name: chat",
    "    type: llm/v1/chat",
    "    model: {provider: mock, name: mock-echo}",
    ...extra,
  );

function configOf(text: string): GatewayConfig {
  const result = parseConfig(text, FILE, {});
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config;
}

function problemsOf(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.issues.map(formatConfigIssue);
}

describe("limits, budgets and accounting settings on a route", () => {
  it("loads MLflow's per-endpoint limit unchanged, as the rate it means", () => {
    const governance = configOf(route("    limit: {renewal_period: minute, calls: 10}")).routes[0]
      ?.governance;
    expect(governance?.mlflowLimit).toEqual({ calls: 10, renewalPeriod: "minute" });
    expect(governance?.limits.rates).toEqual([
      { name: "rpm", unit: "requests", limit: 10, windowMs: 60_000, burst: 10 },
    ]);
    const daily = configOf(route("    limit: {renewal_period: day, calls: 5, key: null}")).routes[0]
      ?.governance;
    expect(daily?.limits.rates[0]).toMatchObject({ name: "rpd", windowMs: 86_400_000 });
  });

  it("takes limits with per_key, budgets, a price and the stream policies", () => {
    const governance = configOf(
      route(
        "    limits:",
        "      rpm: 600",
        "      tpm: {limit: 100000, burst: 20000}",
        "      concurrency: 8",
        "      per_key: {rpm: 60}",
        "    budgets:",
        "      - {amount_usd: 25, period: month, tz: Europe/Berlin}",
        "    price: {input_per_mtok: 0.5, output_per_mtok: 1.5}",
        "    on_budget_exhausted_mid_stream: cut",
        "    inject_stream_usage: false",
      ),
    ).routes[0]?.governance;
    expect(governance).toMatchObject({
      limits: { concurrency: 8, rates: [{ name: "rpm" }, { name: "tpm", burst: 20_000 }] },
      perKey: { rates: [{ name: "rpm", limit: 60 }], concurrency: null },
      budgets: [{ name: "month", amountNanoUsd: 25e9, tz: "Europe/Berlin", action: "reject" }],
      price: { input_per_mtok: 0.5, output_per_mtok: 1.5 },
      onBudgetExhaustedMidStream: "cut",
      injectStreamUsage: false,
    });
  });

  it("reports bad limits and budgets at their line, naming what is allowed", () => {
    expect(problemsOf(route("    limits: {rpm: -1, rps: 3}"))).toEqual([
      "/srv/switchyard/switchyard.yaml:5:19: route 'chat', field limits.rpm: must be at least 1 (got -1)",
      "/srv/switchyard/switchyard.yaml:5:23: route 'chat', field limits.rps: unknown key 'rps'; allowed: rpm, rph, rpd, tpm, tpd, concurrency, per_key",
    ]);
  });

  it("refuses MLflow's limit given twice, and an unknown renewal period", () => {
    expect(
      problemsOf(route("    limits: {rpm: 5}", "    limit: {renewal_period: minute, calls: 10}")),
    ).toEqual([
      expect.stringMatching(/:6:5: .*field limit: is MLflow's form of limits\.rpm, which is also set/),
    ]);
    expect(problemsOf(route("    limit: {renewal_period: fortnight, calls: 10}")).join("\n")).toMatch(
      /limit\.renewal_period: .*second.*minute.*hour.*day.*month.*year/,
    );
  });

  it("refuses a negative budget and an unknown time zone", () => {
    const problems = problemsOf(
      route("    budgets:", "      - {amount_usd: -1, period: day, tz: Mars/Olympus}"),
    );
    expect(problems.join("\n")).toMatch(/budgets\.0\.amount_usd: must be an amount in USD/);
    expect(problems.join("\n")).toMatch(/budgets\.0\.tz: must be an IANA time zone/);
  });
});

describe("the governance block's limits, prices, estimates and usage log", () => {
  it("has defaults for everything", () => {
    const governance = configOf(lines("routes: []")).governance;
    expect(governance).toMatchObject({
      limits: { rates: [], concurrency: null },
      budgets: [],
      prices: { table: "builtin", unpriced: "allow_unmetered" },
      estimates: {
        input: "body_bytes_div_4",
        defaultMaxOutputTokens: 4096,
        meterEveryTokens: 512,
        meterEveryMs: 2000,
      },
      usageLog: { sinks: [{ kind: "stdout" }], buffer: 20_000, onFull: "drop_oldest" },
    });
  });

  it("resolves sink paths beside the config and sink URLs like secrets", () => {
    const governance = configOf(
      lines(
        "routes: []",
        "governance:",
        "  limits: {rpm: 1000}",
        "  budgets: [{amount_usd: 100, period: month}]",
        "  prices: {unpriced: deny, overrides: {'openai/gpt-4o': {input_per_mtok: 2}}}",
        "  usage_log:",
        "    sinks:",
        "      - {kind: file, path: logs/usage.jsonl}",
        "      - {kind: http, url: 'https://collector.example/usage', headers: {Authorization: Bearer x}}",
      ),
    ).governance;
    expect(governance.limits.rates[0]?.limit).toBe(1000);
    expect(governance.budgets[0]?.amountNanoUsd).toBe(100e9);
    expect(governance.prices.overrides["openai/gpt-4o"]).toEqual({ input_per_mtok: 2 });
    expect(governance.usageLog.sinks).toEqual([
      { kind: "file", path: "/srv/switchyard/logs/usage.jsonl", maxBytes: 104_857_600, maxFiles: 5 },
      {
        kind: "http",
        url: "https://collector.example/usage",
        headers: { authorization: "Bearer x" },
        timeoutMs: 10_000,
      },
    ]);
  });

  it("needs a default price for 'unpriced: default_price'", () => {
    expect(problemsOf(lines("routes: []", "governance:", "  prices: {unpriced: default_price}"))).toEqual([
      expect.stringMatching(
        /:3:\d+: field governance\.prices\.unpriced: 'unpriced: default_price' needs 'default_price'/,
      ),
    ]);
  });
});
