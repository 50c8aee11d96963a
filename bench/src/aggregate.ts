import type { LatencyRound, ThroughputRound } from "./measure-phases.js";
import { baselineOf, type Scenario } from "./scenarios.js";
import { median, percentile } from "./stats.js";
import type { ConcurrentStreamsResult, StreamTiming } from "./stream-probe.js";
import type { SustainedResult } from "./sustained-search.js";
import { addedTokenLatency, type TokenLatency, tokenLatency } from "./token-timing.js";

/** Turns the rounds' raw measurements into one summary per scenario: medians over rounds, and ratios. */

export interface RoundData {
  latency: Record<string, LatencyRound>;
  /** By connection count, then scenario id. */
  throughput: Record<string, Record<string, ThroughputRound>>;
  ttft: Record<string, StreamTiming[]>;
  /** Per scenario, one result per concurrency level tried (up to the first that was not stall-free). */
  concurrent: Record<string, ConcurrentStreamsResult[]>;
  /** The stepped search against the 20 ms upstream (the first round only: it is the longest measurement). */
  sustained?: Record<string, SustainedResult>;
}

export interface SustainedSummary {
  requestsPerSecond: number;
  vsProxy: number;
  vsPortkey: number;
  /** Server CPU µs per request at the highest rate that passed. */
  cpuUsPerRequest: number;
  generatorBound: boolean;
  steps: number;
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
  /** The added time to first token minus the bare proxy's (the hop's own cost beyond a bare Node proxy). */
  overProxyTtftP50Ms: number;
  /** Gaps between consecutive tokens as the client sees them, and the same minus the direct call's. */
  perToken: TokenLatency;
  addedPerToken: Omit<TokenLatency, "gaps">;
  overProxyPerTokenP50Ms: number;
  streamsMeasured: number;
  failedStreams: number;
  /** Per concurrency level: the worst round of the concurrent-streams test. */
  concurrent: ConcurrentStreamsResult[];
  /** The highest level at which every round was stall-free (0: none). */
  stallFreeStreams: number;
}

export interface ScenarioSummary {
  id: string;
  label: string;
  server: string;
  upstream: string;
  translated: boolean;
  latency: {
    p50Ms: number;
    p99Ms: number;
    addedP50Ms: number;
    addedP99Ms: number;
    /** Added latency minus the bare proxy's added latency in the same round (medians over rounds). */
    overProxyP50Ms: number;
    overProxyP99Ms: number;
    requests: number;
  };
  throughput: Record<string, ThroughputSummary>;
  sustained: SustainedSummary | undefined;
  streaming: StreamingSummary | undefined;
}

const PROXY = "proxy-openai";

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
  // The proxy calls the OpenAI-shaped upstream, and so its added latency is against the same direct call.
  const overProxy = (field: "p50Ms" | "p99Ms") =>
    median(
      rounds.map(
        (round) =>
          (own(round)?.[field] ?? Number.NaN) -
          (base(round)?.[field] ?? Number.NaN) -
          ((round.latency[PROXY]?.[field] ?? Number.NaN) -
            (round.latency["direct-openai"]?.[field] ?? Number.NaN)),
      ),
    );
  return {
    p50Ms: medianOf(rounds, own, (item) => item.p50Ms),
    p99Ms: medianOf(rounds, own, (item) => item.p99Ms),
    addedP50Ms: added("p50Ms"),
    addedP99Ms: added("p99Ms"),
    overProxyP50Ms: overProxy("p50Ms"),
    overProxyP99Ms: overProxy("p99Ms"),
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
      vsProxy: own / rps(PROXY),
      vsPortkey: own / rps(portkeyOf(scenario)),
      cpuUsPerRequest: cpu(scenario.id),
      cpuVsProxy: cpu(PROXY) / cpu(scenario.id),
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

/** Per level, the worst round's result; levels some round did not reach are left out. */
function worstConcurrent(rounds: readonly RoundData[], id: string): ConcurrentStreamsResult[] {
  const byLevel = new Map<number, ConcurrentStreamsResult>();
  for (const round of rounds) {
    for (const result of round.concurrent[id] ?? []) {
      const worst = byLevel.get(result.streams);
      if (
        worst === undefined ||
        result.ok < worst.ok ||
        (result.ok === worst.ok && result.maxGapMs > worst.maxGapMs)
      )
        byLevel.set(result.streams, result);
    }
  }
  return [...byLevel.values()].sort((a, b) => a.streams - b.streams);
}

/** The highest level every round reached stall-free, counting up from the lowest. */
export function stallFreeLevel(levels: readonly ConcurrentStreamsResult[]): number {
  let best = 0;
  for (const level of levels) {
    if (level.ok < level.streams) break;
    best = level.streams;
  }
  return best;
}

function tokenLatencyOf(timings: readonly StreamTiming[]): TokenLatency {
  return tokenLatency(timings.filter((timing) => timing.ok).map((timing) => timing.arrivalsMs ?? []));
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
  const proxy = pooled(rounds, PROXY);
  const direct = pooled(rounds, "direct-openai");
  const perToken = tokenLatencyOf(own);
  const addedPerToken = addedTokenLatency(perToken, tokenLatencyOf(base));
  const proxyAddedPerToken = addedTokenLatency(tokenLatencyOf(proxy), tokenLatencyOf(direct));
  const addedTtftP50Ms = stat(own, "firstDataMs", 0.5) - stat(base, "firstDataMs", 0.5);
  const concurrent = worstConcurrent(rounds, scenario.id);
  return {
    overProxyTtftP50Ms: addedTtftP50Ms - (stat(proxy, "firstDataMs", 0.5) - stat(direct, "firstDataMs", 0.5)),
    perToken,
    addedPerToken,
    overProxyPerTokenP50Ms: addedPerToken.p50Ms - proxyAddedPerToken.p50Ms,
    concurrent,
    stallFreeStreams: stallFreeLevel(concurrent),
    ttftP50Ms: stat(own, "firstDataMs", 0.5),
    ttftP99Ms: stat(own, "firstDataMs", 0.99),
    addedTtftP50Ms: stat(own, "firstDataMs", 0.5) - stat(base, "firstDataMs", 0.5),
    addedTtftP99Ms: stat(own, "firstDataMs", 0.99) - stat(base, "firstDataMs", 0.99),
    totalP50Ms: stat(own, "totalMs", 0.5),
    addedTotalP50Ms: stat(own, "totalMs", 0.5) - stat(base, "totalMs", 0.5),
    streamsMeasured: own.length,
    failedStreams: own.filter((timing) => !timing.ok).length,
  };
}

function sustainedSummary(scenario: Scenario, rounds: readonly RoundData[]): SustainedSummary | undefined {
  const searched = rounds.find((round) => round.sustained !== undefined)?.sustained;
  const own = searched?.[scenario.id];
  if (searched === undefined || own === undefined) return undefined;
  const best = own.steps.find((step) => step.rate === own.rate);
  return {
    requestsPerSecond: own.rate,
    vsProxy: own.rate / (searched[PROXY]?.rate ?? Number.NaN),
    vsPortkey: own.rate / (searched[portkeyOf(scenario)]?.rate ?? Number.NaN),
    cpuUsPerRequest: best?.cpuUsPerRequest ?? Number.NaN,
    generatorBound: own.generatorBound,
    steps: own.steps.length,
  };
}

export function summarise(scenarios: readonly Scenario[], rounds: readonly RoundData[]): ScenarioSummary[] {
  return scenarios.map((scenario) => ({
    id: scenario.id,
    label: scenario.label,
    server: scenario.server,
    upstream: scenario.upstream,
    translated: scenario.translated,
    latency: latencySummary(scenario, rounds),
    throughput: throughputSummary(scenario, rounds),
    sustained: sustainedSummary(scenario, rounds),
    streaming: streamingSummary(scenario, rounds),
  }));
}
