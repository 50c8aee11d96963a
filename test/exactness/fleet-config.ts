import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The pepper and master key of the fleets that use gateway keys (passed to the processes as environment). */
export const FLEET_ENV = {
  SWITCHYARD_KEY_PEPPER: "exactness-pepper-0123456789abcdef",
  SWITCHYARD_MASTER_KEY: "sy-master-exactness-0123456789-abcdef",
};

/** $1000 per million tokens both ways: 20 tokens cost $0.02, a token costs 1,000,000 nano-USD. */
export const NANO_PER_TOKEN = 1_000_000;

/** One route of the suite: its upstream model name is the route's name (the counting upstream keys on it). */
export function route(name: string, upstream: string, extra: string[]): string[] {
  return [
    `  - name: ${name}`,
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    `      name: ${name}`,
    `      config: {openai_api_key: sk-exactness, openai_api_base: '${upstream}/v1'}`,
    "    price: {input_per_mtok: 1000, output_per_mtok: 1000}",
    ...extra.map((line) => `    ${line}`),
  ];
}

/** The routes of the main Redis fleet and of the embedded store's run: one per test, so processes start once. */
export function suiteRoutes(upstream: string): string[] {
  return [
    // 300 a day, all usable at once: the emission interval (288 s) is far longer than the test.
    ...route("burst", upstream, ["limits: {rpd: {limit: 300, burst: 300}}"]),
    ...route("inflight", upstream, ["limits: {concurrency: 5}"]),
    ...route("budget", upstream, ["budgets: [{amount_usd: 1, period: day}]"]),
    ...route("crash", upstream, ["limits: {concurrency: 100}", "budgets: [{amount_usd: 100, period: day}]"]),
    ...route("open", upstream, ["limits: {rpm: 100000}"]),
    // 30 a day: while Redis is down, each of three processes admits its share, 10.
    ...route("share", upstream, ["limits: {rpd: {limit: 30, burst: 30}}"]),
    // 9,000 tokens a day, all usable at once (the emission interval, 9.6 s a token, is longer than the test).
    ...route("reconcile", upstream, ["limits: {tpd: {limit: 9000, burst: 9000}}"]),
    ...route("debt", upstream, ["limits: {tpd: {limit: 1000, burst: 1000}}"]),
    // Large enough that workers are granted blocks of it (31 requests each) while it is far from its end.
    ...route("granted", upstream, ["limits: {rpd: {limit: 2000, burst: 2000}}"]),
    // Never reached, like the bench's five limits: every admission can come from a worker's grants.
    ...route("far", upstream, ["limits: {rpm: 1000000, rpd: 100000000, tpm: 100000000, concurrency: 10000}"]),
    // Every kind of counter at once, for the replayed settles.
    ...route("replay", upstream, [
      "limits: {tpd: {limit: 10000, burst: 10000}, concurrency: 100}",
      "budgets: [{amount_usd: 100, period: day}]",
    ]),
    // Keys' and groups' limits apply here (no limit of its own).
    ...route("hier", upstream, []),
  ];
}

export interface FleetOptions {
  /** The governance store block (Redis shared by the processes, or the embedded one). */
  store: string[];
  routes: string[];
  /** The usage collector's URL (HTTP sink); no usage log without it. */
  usageUrl?: string;
  /** Gateway keys and the admin API (pepper and master key from FLEET_ENV); keys are optional on calls. */
  keys?: boolean;
  /** How long a process trusts a key it looked up (default 300 s: longer than any test). */
  keyCacheTtlSeconds?: number;
}

/** Writes a fleet's config file and answers its path. */
export function writeConfig(options: FleetOptions): string {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-exactness-"));
  const yaml = [
    "routes:",
    ...options.routes,
    "governance:",
    "  store:",
    ...options.store.map((line) => `    ${line}`),
    // Strict estimates: the body's bytes bound its tokens, and every request caps its output.
    "  estimates: {input: body_bytes, meter_every_ms: 200, meter_every_tokens: 100}",
    options.usageUrl === undefined
      ? "  usage_log: {sinks: []}"
      : `  usage_log: {sinks: [{kind: http, url: '${options.usageUrl}'}], flush_ms: 50}`,
    ...(options.keys === true
      ? [
          // By default longer than any test: a revocation seen on another process travelled as an event.
          `  auth: {pepper: $SWITCHYARD_KEY_PEPPER, cache_ttl_seconds: ${options.keyCacheTtlSeconds ?? 300}}`,
          "  admin: {master_keys: [{name: ops, key: $SWITCHYARD_MASTER_KEY}]}",
        ]
      : []),
    "",
  ].join("\n");
  const path = join(directory, "switchyard.yaml");
  writeFileSync(path, yaml);
  return path;
}

/** The suite's config with its usual routes (the control run and the embedded store's run). */
export function writeFleetConfig(upstream: string, store: string[]): string {
  return writeConfig({ store, routes: suiteRoutes(upstream) });
}

/**
 * A streamed route on the spec-checking OpenAI mock whose budget fits about 2,000 tokens (at 1,000,000 nano-USD
 * a token), cut when it runs out mid-stream.
 */
export function cutRoute(openAIMock: string): string[] {
  return [
    "  - name: cut",
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    "      name: gpt-4o-mini",
    `      config: {openai_api_key: sk-exactness, openai_api_base: '${openAIMock}/v1'}`,
    "    price: {input_per_mtok: 1000, output_per_mtok: 1000}",
    "    budgets: [{amount_usd: 2, period: day}]",
    "    on_budget_exhausted_mid_stream: cut",
  ];
}

/**
 * A route whose first target answers 503 and whose fallback costs ten times as much: a call's estimate (about
 * 90 tokens) fits the $0.50 budget at the first price ($0.09), not at the fallback's ($0.90).
 */
export function fallbackRoute(upstream: string): string[] {
  const target = (name: string, price: number) =>
    `      - {provider: openai, name: ${name}, config: {openai_api_key: sk-exactness, openai_api_base: '${upstream}/v1'}, price: {input_per_mtok: ${price}, output_per_mtok: ${price}}}`;
  return [
    "  - name: fallback",
    "    type: llm/v1/chat",
    "    targets:",
    target("fallback-down", 1000),
    target("fallback-pricey", 10000),
    "    budgets: [{amount_usd: '0.5', period: day}]",
  ];
}
