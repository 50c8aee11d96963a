import { probeLatency } from "./latency-probe.js";
import { runLoad } from "./load-generator.js";
import type { SearchPlan } from "./rate-search.js";
import { type RssTracker, serverCpuMs } from "./rss-tracker.js";
import { type Scenario, urlOf } from "./scenarios.js";
import type { ServerProcess } from "./server-process.js";
import { percentile } from "./stats.js";
import {
  type ConcurrentStreamsResult,
  type StreamTiming,
  timeConcurrentStreams,
  timeSequentialStreams,
} from "./stream-probe.js";
import { type SustainedResult, searchSustainedRate } from "./sustained-search.js";

/** One round of each measurement over a list of scenarios; the runner interleaves them over rounds. */

export interface Settings {
  quick: boolean;
  rounds: number;
  latencyWarmupRequests: number;
  latencyDurationMs: number;
  connections: number[];
  throughputDurationS: number;
  throughputWarmupS: number;
  ttftStreams: number;
  /** Concurrent-stream counts tried in turn; a scenario stops at the first that is not stall-free. */
  concurrentLevels: number[];
  stallGapMs: number;
  /** The stepped search for sustained throughput against the 20 ms upstream; its steps last `stepS`. */
  sustained: SearchPlan & { stepS: number };
  workers: number;
}

export interface LatencyRound {
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
}

export interface ThroughputRound {
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  /** Server CPU time per request (all its processes), in microseconds. */
  cpuUsPerRequest: number;
}

export type ServerOf = (scenario: Scenario) => ServerProcess;

/** The first round warms each server up with `latencyWarmupRequests`; later ones need a tenth of that. */
export async function latencyRound(
  scenarios: readonly Scenario[],
  settings: Settings,
  firstRound: boolean,
): Promise<Record<string, LatencyRound>> {
  const results: Record<string, LatencyRound> = {};
  for (const scenario of scenarios) {
    const { samples, failures } = await probeLatency(urlOf(scenario), scenario.call("instant"), {
      warmupRequests: firstRound
        ? settings.latencyWarmupRequests
        : Math.ceil(settings.latencyWarmupRequests / 10),
      durationMs: settings.latencyDurationMs,
    });
    results[scenario.id] = {
      p50Ms: percentile(samples, 0.5),
      p99Ms: percentile(samples, 0.99),
      requests: samples.length,
      failures,
    };
  }
  return results;
}

export async function throughputRound(
  scenarios: readonly Scenario[],
  connections: number,
  durationS: number,
  serverOf: ServerOf,
  rss: RssTracker | undefined,
): Promise<Record<string, ThroughputRound>> {
  const results: Record<string, ThroughputRound> = {};
  for (const scenario of scenarios) {
    const server = serverOf(scenario);
    const stopSampling = rss?.sampleWhile(server, "throughput");
    const cpuBefore = serverCpuMs(server);
    const load = await runLoad(urlOf(scenario), scenario.call("instant"), { connections, durationS });
    const cpuMs = serverCpuMs(server) - cpuBefore;
    stopSampling?.();
    results[scenario.id] = {
      requestsPerSecond: load.requestsPerSecond,
      non2xx: load.non2xx,
      errors: load.errors,
      cpuUsPerRequest: load.totalRequests > 0 ? (cpuMs * 1000) / load.totalRequests : Number.NaN,
    };
  }
  return results;
}

export async function ttftRound(
  scenarios: readonly Scenario[],
  settings: Settings,
): Promise<Record<string, StreamTiming[]>> {
  const results: Record<string, StreamTiming[]> = {};
  for (const scenario of scenarios) {
    results[scenario.id] = await timeSequentialStreams(
      urlOf(scenario),
      scenario.call("ttft"),
      settings.ttftStreams,
    );
  }
  return results;
}

/** Each scenario at each level of `concurrentLevels` in turn, up to the first level with a stall or failure. */
export async function concurrentRound(
  scenarios: readonly Scenario[],
  settings: Settings,
  serverOf: ServerOf,
  rss: RssTracker,
): Promise<Record<string, ConcurrentStreamsResult[]>> {
  const results: Record<string, ConcurrentStreamsResult[]> = {};
  for (const scenario of scenarios) {
    const levels: ConcurrentStreamsResult[] = [];
    const stopSampling = rss.sampleWhile(serverOf(scenario), "streams");
    for (const count of settings.concurrentLevels) {
      const result = await timeConcurrentStreams(
        urlOf(scenario),
        scenario.call("concurrent"),
        scenario.call("instant"),
        count,
        settings.stallGapMs,
      );
      levels.push(result);
      if (result.ok < count) break;
    }
    stopSampling();
    results[scenario.id] = levels;
  }
  return results;
}

/** The stepped search for each scenario, against the 20 ms upstream. */
export async function sustainedRound(
  scenarios: readonly Scenario[],
  settings: Settings,
  serverOf: ServerOf,
  rss: RssTracker,
  progress: (message: string) => void,
): Promise<Record<string, SustainedResult>> {
  const results: Record<string, SustainedResult> = {};
  for (const scenario of scenarios) {
    const server = serverOf(scenario);
    const stopSampling = rss.sampleWhile(server, "sustained");
    const result = await searchSustainedRate(
      urlOf(scenario),
      scenario.call("sustained"),
      settings.sustained,
      () => serverCpuMs(server),
    );
    stopSampling();
    progress(`  ${scenario.id}: ${Math.round(result.rate)} req/s sustained (${result.steps.length} steps)`);
    results[scenario.id] = result;
  }
  return results;
}

/**
 * Streams at the warm-up, not measured: a freshly started server compiles its stream path (JIT) during its
 * first burst of streams, which would show as stalls in whichever round comes first. Every server gets the
 * same warm-up, as it gets the same instant-request warm-up.
 */
export async function warmUpStreams(scenarios: readonly Scenario[], streams: number): Promise<void> {
  for (const scenario of scenarios) {
    await timeConcurrentStreams(
      urlOf(scenario),
      scenario.call("ttft"),
      scenario.call("instant"),
      streams,
      Number.POSITIVE_INFINITY,
    );
  }
}
