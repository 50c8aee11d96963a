import type { ScenarioSummary } from "./aggregate.js";
import type { LoadKind, RssByPid } from "./rss-tracker.js";
import type { TargetCheck } from "./targets.js";

/** The markdown tables the bench prints (and docs/performance.md quotes). */

export const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
const signed = (value: number, digits: number): string =>
  !Number.isFinite(value) ? "–" : `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
/** Milliseconds shown as whole microseconds, signed. */
const micros = (ms: number): string => signed(ms * 1000, 0);
const integer = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const isDirect = (summary: ScenarioSummary): boolean => summary.server === "mock";

export function latencyTable(summaries: readonly ScenarioSummary[]): string {
  const rows = summaries.map((summary) => {
    const direct = isDirect(summary);
    const { latency } = summary;
    return [
      summary.label,
      fixed(latency.p50Ms, 3),
      fixed(latency.p99Ms, 3),
      direct ? "–" : micros(latency.addedP50Ms),
      direct ? "–" : micros(latency.addedP99Ms),
      direct || summary.server === "proxy" ? "–" : micros(latency.overProxyP50Ms),
      direct || summary.server === "proxy" ? "–" : micros(latency.overProxyP99Ms),
    ];
  });
  return table(
    [
      "scenario",
      "p50 ms",
      "p99 ms",
      "added p50 µs",
      "added p99 µs",
      "over proxy p50 µs",
      "over proxy p99 µs",
    ],
    rows,
  );
}

export function throughputTable(summaries: readonly ScenarioSummary[], levels: readonly string[]): string {
  const header = ["scenario"];
  for (const level of levels) header.push(`req/s @${level}`, `x proxy @${level}`, `x Portkey @${level}`);
  header.push(`CPU µs/req @${levels[0] ?? "?"}`, `by CPU: x proxy / x Portkey @${levels[0] ?? "?"}`);
  const rows = summaries
    .filter((summary) => !isDirect(summary))
    .map((summary) => {
      const row = [summary.label];
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

export function sustainedTable(summaries: readonly ScenarioSummary[]): string {
  const rows = summaries.flatMap((summary) => {
    const sustained = summary.sustained;
    if (sustained === undefined) return [];
    return [
      [
        summary.label,
        integer(sustained.requestsPerSecond),
        fixed(sustained.vsProxy, 2),
        fixed(sustained.vsPortkey, 2),
        integer(sustained.cpuUsPerRequest),
        String(sustained.steps),
        sustained.generatorBound ? "load generator near its core's limit" : "",
      ],
    ];
  });
  return table(
    ["scenario", "sustained req/s", "x proxy", "x Portkey", "CPU µs/req there", "steps", "note"],
    rows,
  );
}

export function streamingTable(summaries: readonly ScenarioSummary[]): string {
  const rows = summaries.flatMap((summary) => {
    const streaming = summary.streaming;
    if (streaming === undefined) return [];
    const direct = isDirect(summary);
    const overProxy = direct || summary.server === "proxy";
    return [
      [
        summary.label,
        `${fixed(streaming.ttftP50Ms, 3)} / ${fixed(streaming.ttftP99Ms, 3)}`,
        direct ? "–" : `${micros(streaming.addedTtftP50Ms)} / ${micros(streaming.addedTtftP99Ms)}`,
        overProxy ? "–" : micros(streaming.overProxyTtftP50Ms),
        `${fixed(streaming.perToken.p50Ms, 3)} / ${fixed(streaming.perToken.p99Ms, 3)}`,
        direct ? "–" : `${micros(streaming.addedPerToken.p50Ms)} / ${micros(streaming.addedPerToken.p99Ms)}`,
        direct ? "–" : micros(streaming.addedPerToken.meanMs),
        overProxy ? "–" : micros(streaming.overProxyPerTokenP50Ms),
        `${streaming.streamsMeasured - streaming.failedStreams} / ${streaming.streamsMeasured}`,
      ],
    ];
  });
  return table(
    [
      "stream",
      "TTFT p50 / p99 ms",
      "added TTFT p50 / p99 µs",
      "TTFT over proxy p50 µs",
      "per token p50 / p99 ms",
      "added per token p50 / p99 µs",
      "added per token, mean µs",
      "per token over proxy p50 µs",
      "streams ok",
    ],
    rows,
  );
}

export function concurrentTable(summaries: readonly ScenarioSummary[], levels: readonly number[]): string {
  const rows = summaries.flatMap((summary) => {
    const streaming = summary.streaming;
    if (streaming === undefined || streaming.concurrent.length === 0) return [];
    const cells = levels.map((level) => {
      const result = streaming.concurrent.find((item) => item.streams === level);
      return result === undefined
        ? "not run"
        : `${result.ok} / ${result.stalled} / ${result.failed} (gap ${fixed(result.maxGapMs, 0)}, TTFT p99 ${fixed(result.firstDataP99Ms, 0)})`;
    });
    return [[summary.label, ...cells, String(streaming.stallFreeStreams)]];
  });
  return table(
    [
      "streams",
      ...levels.map((level) => `${level}: ok / stalled / failed (max gap ms, TTFT p99 ms)`),
      "stall-free up to",
    ],
    rows,
  );
}

export interface RssReport {
  idle: Map<string, RssByPid>;
  after: Map<string, RssByPid>;
  primaryIdle: Map<string, number>;
  primaryAfter: Map<string, number>;
  underLoad: Map<LoadKind, Map<string, RssByPid>>;
}

export function rssTable(rss: RssReport): string {
  const list = (byPid: RssByPid | undefined) =>
    byPid === undefined
      ? "–"
      : Object.values(byPid)
          .map((mib) => mib.toFixed(0))
          .join(", ") || "–";
  const kinds: LoadKind[] = ["throughput", "sustained", "streams"];
  const rows = [...rss.idle.keys()].map((name) => [
    name,
    `${fixed(rss.primaryIdle.get(name), 0)} / ${fixed(rss.primaryAfter.get(name), 0)}`,
    list(rss.idle.get(name)),
    ...kinds.map((kind) => list(rss.underLoad.get(kind)?.get(name))),
    list(rss.after.get(name)),
  ]);
  return table(
    [
      "server",
      "primary MiB: start / after",
      "RSS idle MiB (per serving process)",
      "peak, instant load",
      "peak, sustained search",
      "peak, concurrent streams",
      "after the run",
    ],
    rows,
  );
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ["scenario", "target", "measured", "met"],
    checks.map((check) => [
      check.scenario,
      check.target,
      `${fixed(check.value, check.unit === "streams" || check.unit === "µs" ? 0 : check.unit === "x" ? 2 : 1)} ${check.unit}`,
      check.met ? "yes" : "**no**",
    ]),
  );
}
