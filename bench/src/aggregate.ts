import type { LatencyRound, ThroughputRound } from "./measure-phases.js";
import { baselineOf, type Scenario } from "./scenarios.js";
import { median, percentile } from "./stats.js";
import type { ConcurrentStreamsResult, StreamTiming } from "./stream-probe.js";

/** Turns the rounds' raw measurements into one summary per scenario: medians over rounds, and ratios. */

export interface RoundData {
  latency: Record<string, LatencyRound>;
  /** By connection count, then scenario id. */
  throughput: Record<string, Record<string, ThroughputRound>>;
  ttft: Record<string, StreamTiming[]>;
  concurrent: Record<string, ConcurrentStreamsResult>;
}

export interface ThroughputSummary {
  requestsPerSecond: number;
  /** Against the bare proxy at the same connection count. */
  vsProxy: number;
  /** Against Portkey with the same upstream shape at the same connection count. */
  vsPortkey: number;
  cpuUsPerRequest: number;
  /**
   * The same ratios estimated from CPU time per request (the bare proxy's, or Portkey's, over this one's): what
   * the throughput ratio would be with each server alone on its core. Less sensitive to other load on the
   * machine than throughput itself.
   */
  cpuVsProxy: number;
  cpuVsPortkey: number;
  /** Non-2xx answers and errors, summed over rounds. */
  failedRequests: number;
}

export interface StreamingSummary {
  ttftP50Ms: number;
  ttftP99Ms: number;
  addedTtftP50Ms: number;
  addedTtftP99Ms: number;
  totalP50Ms: number;
  addedTotalP50Ms: number;
  streamsMeasured: number;
  failedStreams: number;
  /** The worst round of the concurrent-streams test. */
  concurrent: ConcurrentStreamsResult | undefined;
}

export interface ScenarioSummary {
  id: string;
  label: string;
  server: string;
  upstream: string;
  latency: { p50Ms: number; p99Ms: number; addedP50Ms: number; addedP99Ms: number; requests: number };
  throughput: Record<string, ThroughputSummary>;
  streaming: StreamingSummary | undefined;
}

const portkeyOf = (scenario: Scenario): string => `portkey-${scenario.upstream}`;

function medianOf<T>(
  rounds: readonly RoundData[],
  pick: (round: RoundData) => T | undefined,
  value: (item: T) => number,
) {
  return median(
    rounds.flatMap((round) => {
      const item = pick(round);
      return item === undefined ? [] : [value(item)];
    }),
  );
}

function latencySummary(scenario: Scenario, rounds: readonly RoundData[]): ScenarioSummary["latency"] {
  const own = (round: RoundData) => round.latency[scenario.id];
  const base = (round: RoundData) => round.latency[baselineOf(scenario)];
  const added = (field: "p50Ms" | "p99Ms") =>
    median(rounds.map((round) => (own(round)?.[field] ?? Number.NaN) - (base(round)?.[field] ?? Number.NaN)));
  return {
    p50Ms: medianOf(rounds, own, (item) => item.p50Ms),
    p99Ms: medianOf(rounds, own, (item) => item.p99Ms),
    addedP50Ms: added("p50Ms"),
    addedP99Ms: added("p99Ms"),
    requests: rounds.reduce((sum, round) => sum + (own(round)?.requests ?? 0), 0),
  };
}

function throughputSummary(
  scenario: Scenario,
  rounds: readonly RoundData[],
): Record<string, ThroughputSummary> {
  const summary: Record<string, ThroughputSummary> = {};
  const levels = Object.keys(rounds[0]?.throughput ?? {});
  for (const level of levels) {
    const rps = (id: string) =>
      medianOf(
        rounds,
        (round) => round.throughput[level]?.[id],
        (item) => item.requestsPerSecond,
      );
    const own = rps(scenario.id);
    const cpu = (id: string) =>
      medianOf(
        rounds,
        (round) => round.throughput[level]?.[id],
        (item) => item.cpuUsPerRequest,
      );
    summary[level] = {
      requestsPerSecond: own,
      vsProxy: own / rps("proxy-openai"),
      vsPortkey: own / rps(portkeyOf(scenario)),
      cpuUsPerRequest: cpu(scenario.id),
      cpuVsProxy: cpu("proxy-openai") / cpu(scenario.id),
      cpuVsPortkey: cpu(portkeyOf(scenario)) / cpu(scenario.id),
      failedRequests: rounds.reduce((sum, round) => {
        const item = round.throughput[level]?.[scenario.id];
        return sum + (item === undefined ? 0 : item.non2xx + item.errors);
      }, 0),
    };
  }
  return summary;
}

function pooled(rounds: readonly RoundData[], id: string): StreamTiming[] {
  return rounds.flatMap((round) => round.ttft[id] ?? []);
}

function worstConcurrent(rounds: readonly RoundData[], id: string): ConcurrentStreamsResult | undefined {
  const results = rounds.flatMap((round) =>
    round.concurrent[id] === undefined ? [] : [round.concurrent[id]],
  );
  if (results.length === 0) return undefined;
  return results.reduce((worst, result) =>
    result.ok < worst.ok || (result.ok === worst.ok && result.maxGapMs > worst.maxGapMs) ? result : worst,
  );
}

function streamingSummary(scenario: Scenario, rounds: readonly RoundData[]): StreamingSummary | undefined {
  if (!scenario.streams) return undefined;
  const own = pooled(rounds, scenario.id);
  if (own.length === 0) return undefined;
  const base = pooled(rounds, baselineOf(scenario));
  const ok = (timings: StreamTiming[], field: "firstDataMs" | "totalMs") =>
    timings.filter((timing) => timing.ok).map((timing) => timing[field]);
  const stat = (timings: StreamTiming[], field: "firstDataMs" | "totalMs", q: number) =>
    percentile(ok(timings, field), q);
  return {
    ttftP50Ms: stat(own, "firstDataMs", 0.5),
    ttftP99Ms: stat(own, "firstDataMs", 0.99),
    addedTtftP50Ms: stat(own, "firstDataMs", 0.5) - stat(base, "firstDataMs", 0.5),
    addedTtftP99Ms: stat(own, "firstDataMs", 0.99) - stat(base, "firstDataMs", 0.99),
    totalP50Ms: stat(own, "totalMs", 0.5),
    addedTotalP50Ms: stat(own, "totalMs", 0.5) - stat(base, "totalMs", 0.5),
    streamsMeasured: own.length,
    failedStreams: own.filter((timing) => !timing.ok).length,
    concurrent: worstConcurrent(rounds, scenario.id),
  };
}

export function summarise(scenarios: readonly Scenario[], rounds: readonly RoundData[]): ScenarioSummary[] {
  return scenarios.map((scenario) => ({
    id: scenario.id,
    label: scenario.label,
    server: scenario.server,
    upstream: scenario.upstream,
    latency: latencySummary(scenario, rounds),
    throughput: throughputSummary(scenario, rounds),
    streaming: streamingSummary(scenario, rounds),
  }));
}
