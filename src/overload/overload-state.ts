/** Why a request was shed: the measurement over its limit (@fastify/under-pressure's names). */
export type ShedReason = "event_loop_delay" | "event_loop_utilization";

/**
 * A worker's load shedding, as the metrics show it: requests shed so far by reason, and whether the worker is
 * overloaded now. Counting costs an increment on the request path; the metrics read it when scraped.
 */
export class OverloadState {
  overloaded = false;
  readonly shed: Record<ShedReason, number> = { event_loop_delay: 0, event_loop_utilization: 0 };
  private shedAtEpisodeStart = 0;

  count(type: string): void {
    if (type === "eventLoopUtilization") this.shed.event_loop_utilization++;
    else this.shed.event_loop_delay++;
  }

  /** Requests shed since the last call: the size of the episode that just ended. */
  shedSinceLastEpisode(): number {
    const total = this.shed.event_loop_delay + this.shed.event_loop_utilization;
    const episode = total - this.shedAtEpisodeStart;
    this.shedAtEpisodeStart = total;
    return episode;
  }
}
