import type { ScenarioSummary } from "./aggregate.js";
import type { RssByPid } from "./rss-tracker.js";
import type { TargetCheck } from "./targets.js";

/** The markdown tables the bench prints (and the README quotes). */

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
const signed = (value: number, digits: number): string =>
  !Number.isFinite(value) ? "–" : `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
const integer = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function latencyThroughputTable(
  summaries: readonly ScenarioSummary[],
  levels: readonly string[],
): string {
  const header = ["scenario", "p50 ms", "p99 ms", "added p50", "added p99"];
  for (const level of levels) header.push(`req/s @${level}`, `x proxy @${level}`, `x Portkey @${level}`);
  header.push(`CPU µs/req @${levels[0] ?? "?"}`, `by CPU: x proxy / x Portkey @${levels[0] ?? "?"}`);
  const rows = summaries.map((summary) => {
    const direct = summary.server === "mock";
    const row = [
      summary.label,
      fixed(summary.latency.p50Ms, 3),
      fixed(summary.latency.p99Ms, 3),
      direct ? "–" : signed(summary.latency.addedP50Ms, 3),
      direct ? "–" : signed(summary.latency.addedP99Ms, 3),
    ];
    for (const level of levels) {
      const throughput = summary.throughput[level];
      const failed =
        throughput !== undefined && throughput.failedRequests > 0
          ? ` (${throughput.failedRequests} failed)`
          : "";
      row.push(
        `${integer(throughput?.requestsPerSecond ?? Number.NaN)}${failed}`,
        fixed(throughput?.vsProxy, 2),
        fixed(throughput?.vsPortkey, 2),
      );
    }
    const first = summary.throughput[levels[0] ?? ""];
    row.push(
      integer(first?.cpuUsPerRequest ?? Number.NaN),
      `${fixed(first?.cpuVsProxy, 2)} / ${fixed(first?.cpuVsPortkey, 2)}`,
    );
    return row;
  });
  return table(header, rows);
}

export function streamingTable(summaries: readonly ScenarioSummary[], concurrentStreams: number): string {
  const rows = summaries.flatMap((summary) => {
    const streaming = summary.streaming;
    if (streaming === undefined) return [];
    const direct = summary.server === "mock";
    const concurrent = streaming.concurrent;
    return [
      [
        summary.label,
        fixed(streaming.ttftP50Ms, 3),
        fixed(streaming.ttftP99Ms, 3),
        direct ? "–" : signed(streaming.addedTtftP50Ms, 3),
        direct ? "–" : signed(streaming.addedTtftP99Ms, 3),
        fixed(streaming.totalP50Ms, 1),
        direct ? "–" : signed(streaming.addedTotalP50Ms, 2),
        concurrent === undefined ? "–" : `${concurrent.ok} / ${concurrent.stalled} / ${concurrent.failed}`,
        fixed(concurrent?.maxGapMs, 0),
        `${fixed(concurrent?.firstDataP50Ms, 0)} / ${fixed(concurrent?.firstDataP99Ms, 0)}`,
      ],
    ];
  });
  return table(
    [
      "stream",
      "TTFT p50 ms",
      "TTFT p99 ms",
      "added TTFT p50",
      "added TTFT p99",
      "total p50 ms",
      "added total p50",
      `${concurrentStreams} streams ok / stalled / failed`,
      "max gap ms",
      "TTFT p50 / p99 ms under load",
    ],
    rows,
  );
}

export function rssTable(idle: Map<string, RssByPid>, underLoad: Map<string, RssByPid>): string {
  const list = (byPid: RssByPid | undefined) =>
    byPid === undefined
      ? "–"
      : Object.values(byPid)
          .map((mib) => mib.toFixed(0))
          .join(", ") || "–";
  const rows = [...idle.keys()].map((name) => [name, list(idle.get(name)), list(underLoad.get(name))]);
  return table(["server", "RSS idle MiB (per serving process)", "RSS peak under load MiB"], rows);
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ["scenario", "target", "measured", "met"],
    checks.map((check) => [
      check.scenario,
      check.target,
      `${fixed(check.value, check.unit === "streams" ? 0 : check.unit === "x" ? 2 : 3)} ${check.unit}`,
      check.met ? "yes" : "**no**",
    ]),
  );
}
