import type { OverloadSettings } from "../config/overload-settings.js";

/** Why a request was shed: the measurement over its limit. */
export type ShedReason = "event_loop_delay" | "event_loop_utilization";

/** One sample of the event loop (@fastify/under-pressure's measurement over the last sample interval). */
export interface LoopSample {
  /** Mean delay of a callback, in ms (Infinity when the loop did not turn at all). */
  eventLoopDelayMs: number;
  /** Share of the interval the loop was busy, 0-1. */
  eventLoopUtilization: number;
  /**
   * How long the oldest request still waiting for its turn has waited, in ms (request-turns.ts; 0 when none
   * waits). Compared with the delay limit: a loop that starts requests in turns keeps its own delay low however
   * long the queue of new requests grows.
   */
  oldestWaitMs: number;
}

/**
 * Samples needed over a limit in a row before a worker sheds: one long synchronous task (a tokenizer loading, a
 * large body parsed) puts a single sample over the limit and is over by the time it is measured; a backlog keeps
 * the loop behind sample after sample.
 */
const SAMPLES_TO_SHED = 2;

/**
 * A worker's load shedding: whether it sheds now, decided from each sample, and the requests shed so far by
 * reason. The request path reads one boolean and increments a counter; the metrics read the rest when scraped.
 */
export class OverloadState {
  /** The loop is behind (two samples in a row over a limit). */
  overloaded = false;
  /** Requests this worker has under way (counted as they arrive and end, request-outcome.ts). */
  inFlight = 0;
  reason: ShedReason = "event_loop_delay";
  readonly shed: Record<ShedReason, number> = { event_loop_delay: 0, event_loop_utilization: 0 };
  /** The last sample, for the log and readiness. */
  last: LoopSample = { eventLoopDelayMs: 0, eventLoopUtilization: 0, oldestWaitMs: 0 };
  private samplesOver = 0;
  private shedAtEpisodeStart = 0;

  constructor(private readonly settings: OverloadSettings) {}

  /** Takes a sample: the loop is behind from the second sample in a row over a limit to the first under. */
  observe(sample: LoopSample): void {
    this.last = sample;
    const over = this.over(sample);
    if (over === undefined) {
      this.samplesOver = 0;
      this.overloaded = false;
      return;
    }
    this.reason = over;
    this.samplesOver++;
    if (this.samplesOver >= SAMPLES_TO_SHED) this.overloaded = true;
  }

  /** Whether a new request is shed now: the loop is behind, and it has enough requests to be behind on. */
  shedding(): boolean {
    return this.overloaded && this.inFlight >= this.settings.minRequestsInFlight;
  }

  /** What counts requests in flight (a RequestWatcher). */
  readonly requests = {
    started: (): void => {
      this.inFlight++;
    },
    ended: (): void => {
      this.inFlight--;
    },
  };

  count(): void {
    this.shed[this.reason]++;
  }

  /** Requests shed since the last call: the size of the episode that just ended. */
  shedSinceLastEpisode(): number {
    const total = this.shed.event_loop_delay + this.shed.event_loop_utilization;
    const episode = total - this.shedAtEpisodeStart;
    this.shedAtEpisodeStart = total;
    return episode;
  }

  private over(sample: LoopSample): ShedReason | undefined {
    const { maxEventLoopDelayMs, maxEventLoopUtilization } = this.settings;
    if (
      maxEventLoopDelayMs > 0 &&
      Math.max(sample.eventLoopDelayMs, sample.oldestWaitMs) > maxEventLoopDelayMs
    )
      return "event_loop_delay";
    if (maxEventLoopUtilization > 0 && sample.eventLoopUtilization > maxEventLoopUtilization)
      return "event_loop_utilization";
    return undefined;
  }
}
