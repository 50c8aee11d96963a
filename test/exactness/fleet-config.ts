import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One route of the suite: its upstream model name is the route's name (the counting upstream keys on it). */
function route(name: string, upstream: string, extra: string[]): string[] {
  return [
    `  - name: ${name}`,
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    `      name: ${name}`,
    `      config: {openai_api_key: sk-exactness, openai_api_base: '${upstream}/v1'}`,
    // $1000 per million tokens both ways: 20 tokens cost $0.02, estimates are easy to check.
    "    price: {input_per_mtok: 1000, output_per_mtok: 1000}",
    ...extra.map((line) => `    ${line}`),
  ];
}

/**
 * The suite's config: one route per test, so the gateways start once. `store` is the governance store block
 * (Redis shared by the processes, or the embedded one).
 */
export function writeFleetConfig(upstream: string, store: string[]): string {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-exactness-"));
  const yaml = [
    "routes:",
    // 300 a day, all usable at once: the emission interval (288 s) is far longer than the test.
    ...route("burst", upstream, ["limits: {rpd: {limit: 300, burst: 300}}"]),
    ...route("inflight", upstream, ["limits: {concurrency: 5}"]),
    ...route("budget", upstream, ["budgets: [{amount_usd: 1, period: day}]"]),
    ...route("crash", upstream, ["limits: {concurrency: 100}", "budgets: [{amount_usd: 100, period: day}]"]),
    ...route("open", upstream, ["limits: {rpm: 100000}"]),
    // 9,000 tokens a day, all usable at once (the emission interval, 9.6 s a token, is longer than the test).
    ...route("reconcile", upstream, ["limits: {tpd: {limit: 9000, burst: 9000}}"]),
    ...route("debt", upstream, ["limits: {tpd: {limit: 1000, burst: 1000}}"]),
    // Large enough that workers are granted blocks of it (31 requests each) while it is far from its end.
    ...route("granted", upstream, ["limits: {rpd: {limit: 2000, burst: 2000}}"]),
    // Never reached, like the bench's five limits: every admission can come from a worker's grants.
    ...route("far", upstream, ["limits: {rpm: 1000000, rpd: 100000000, tpm: 100000000, concurrency: 10000}"]),
    "governance:",
    "  store:",
    ...store.map((line) => `    ${line}`),
    // Strict estimates: the body's bytes bound its tokens, and every request caps its output.
    "  estimates: {input: body_bytes, meter_every_ms: 200}",
    "  usage_log: {sinks: []}",
    "",
  ].join("\n");
  const path = join(directory, "switchyard.yaml");
  writeFileSync(path, yaml);
  return path;
}
