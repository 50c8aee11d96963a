import type { ScenarioSummary } from "./aggregate.js";
import type { RssReport } from "./report-table.js";
import type { RssByPid } from "./rss-tracker.js";
import { isSwitchyard } from "./scenarios.js";

/**
 * The targets of issue 19, checked against one run: every one a ratio or a difference against the bare proxy
 * measured in the same run, because the machine's jitter sits in both.
 */

export interface TargetCheck {
  scenario: string;
  target: string;
  value: number;
  unit: string;
  met: boolean;
}

const PROXY = "proxy-openai";

export function checkTargets(
  summaries: readonly ScenarioSummary[],
  topLevel: number,
  rss: RssReport,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const byId = new Map(summaries.map((summary) => [summary.id, summary]));
  for (const summary of summaries.filter(isSwitchyard)) {
    const add = (target: string, value: number, unit: string, met: (value: number) => boolean) =>
      checks.push({ scenario: summary.id, target, value, unit, met: Number.isFinite(value) && met(value) });
    const floor = summary.translated ? 0.8 : 0.9;
    add(
      "added over the bare proxy p50 <= 50 µs (1 connection)",
      summary.latency.overProxyP50Ms * 1000,
      "µs",
      (v) => v <= 50,
    );
    add(
      "added over the bare proxy p99 <= 150 µs (1 connection)",
      summary.latency.overProxyP99Ms * 1000,
      "µs",
      (v) => v <= 150,
    );
    for (const [connections, throughput] of Object.entries(summary.throughput)) {
      add(
        `throughput >= ${floor}x bare proxy (${connections} connections)`,
        throughput.vsProxy,
        "x",
        (v) => v >= floor,
      );
    }
    if (summary.sustained !== undefined) {
      add(
        `sustained req/s (20 ms upstream) >= ${floor}x bare proxy`,
        summary.sustained.vsProxy,
        "x",
        (v) => v >= floor,
      );
    }
    const streaming = summary.streaming;
    if (streaming !== undefined) {
      add(
        "added TTFT over the bare proxy's, p50 <= 100 µs",
        streaming.overProxyTtftP50Ms * 1000,
        "µs",
        (v) => v <= 100,
      );
      add(
        "added per-token latency over the bare proxy's, p50 <= 100 µs",
        streaming.overProxyPerTokenP50Ms * 1000,
        "µs",
        (v) => v <= 100,
      );
      if (streaming.concurrent.length > 0) {
        add(
          `${topLevel} concurrent streams without a stall (stall-free up to)`,
          streaming.stallFreeStreams,
          "streams",
          (v) => v >= topLevel,
        );
      }
    }
    // Features on (a gateway key, limits, both): the same path without them, at the same connection count.
    const features = /-(key|limits|key-limits)$/.exec(summary.id);
    const plain = features === null ? undefined : byId.get(summary.id.slice(0, features.index));
    const level = Object.keys(summary.throughput)[0];
    if (features !== null && plain !== undefined && level !== undefined) {
      const ratio =
        (summary.throughput[level]?.cpuUsPerRequest ?? Number.NaN) /
        (plain.throughput[level]?.cpuUsPerRequest ?? Number.NaN);
      const what = { key: "auth", limits: "limits", "key-limits": "auth and limits" }[features[1] as string];
      add(`${what} on cost <= 10% CPU per request (${level} connections)`, ratio, "x", (v) => v <= 1.1);
    }
  }
  checks.push(...memoryChecks(rss));
  return checks;
}

const mean = (byPid: RssByPid | undefined): number => {
  const values = Object.values(byPid ?? {});
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
};
const peak = (byPid: RssByPid | undefined): number => {
  const values = Object.values(byPid ?? {});
  return values.length === 0 ? Number.NaN : Math.max(...values);
};

function memoryChecks(rss: RssReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const proxy = PROXY.replace("-openai", "");
  const add = (target: string, value: number, unit: string, met: (value: number) => boolean) =>
    checks.push({ scenario: "switchyard", target, value, unit, met: Number.isFinite(value) && met(value) });
  add(
    "worker RSS at start <= the bare proxy's + 15 MiB",
    mean(rss.idle.get("switchyard")) - mean(rss.idle.get(proxy)),
    "MiB more",
    (v) => v <= 15,
  );
  for (const [kind, byServer] of rss.underLoad) {
    add(
      `peak worker RSS under ${kind} load <= 1.2x the bare proxy's`,
      peak(byServer.get("switchyard")) / peak(byServer.get(proxy)),
      "x",
      (v) => v <= 1.2,
    );
  }
  add(
    "worker RSS after the run <= 1.2x the bare proxy's",
    mean(rss.after.get("switchyard")) / mean(rss.after.get(proxy)),
    "x",
    (v) => v <= 1.2,
  );
  add(
    "primary process RSS <= 50 MiB",
    rss.primaryAfter.get("switchyard") ?? Number.NaN,
    "MiB",
    (v) => v <= 50,
  );
  return checks;
}
