import { z } from "zod";

/**
 * When a worker sheds load (`server.overload`): new API requests are answered 503 with `Retry-After` at once,
 * before any routing, while the worker's event loop is measured to be behind. A queue that grows faster than it
 * drains helps nobody: every request in it answers late or not at all, and the worker looks dead to its probe.
 */
export interface OverloadSettings {
  /** false: never shed, and nothing is measured. */
  enabled: boolean;
  /**
   * The mean event-loop delay over the last sample above which new requests are shed: how long a callback
   * (a new request, an upstream's answer) waits for its turn. 0: not checked.
   */
  maxEventLoopDelayMs: number;
  /** The share of the last sample the event loop was busy (0-1) above which new requests are shed; 0: not checked. */
  maxEventLoopUtilization: number;
  /** How often the event loop is measured: the shortest time shedding starts or stops in. */
  sampleIntervalMs: number;
  /** The `Retry-After` a shed request gets. */
  retryAfterSeconds: number;
  /**
   * Fewer requests than this in flight, nothing is shed whatever the loop shows: the loop is busy with something
   * other than traffic (start-up, a tokenizer loading), and refusing the few requests there are would not help.
   */
  minRequestsInFlight: number;
  /**
   * The most new requests a worker starts in one turn of its event loop; the rest start in the next turns,
   * first come first served, each after the loop has relayed what arrived for the requests already running. A
   * burst of new requests (each costs some hundreds of microseconds to set up) would otherwise take the loop
   * for as long as all of them together, and every running stream would fall silent meanwhile. 0: every
   * request starts as it arrives.
   */
  newRequestsPerTurn: number;
}

export const DEFAULT_OVERLOAD_SETTINGS: OverloadSettings = {
  enabled: true,
  // Far above a healthy loop's delay (well under 10 ms even at full throughput, where the loop turns often),
  // far below what a client waits for: a loop 200 ms behind on average has a backlog no burst explains.
  maxEventLoopDelayMs: 200,
  // Off by default: a loop busy all of a sample may be keeping up (a fully used worker serving 64 clients at
  // its capacity answers each in a few tens of ms) or falling behind, and refusing the first to protect against
  // the second turns every busy moment into 503s. Behind a balancer that retries elsewhere, 0.98 sheds sooner.
  maxEventLoopUtilization: 0,
  sampleIntervalMs: 250,
  retryAfterSeconds: 1,
  minRequestsInFlight: 32,
  // A few milliseconds of set-up work per turn. Measured on one worker (docs/performance.md, Concurrent streams):
  // 1,024 to 4,096 streams started at once had their longest silence at 156-379 ms with 16, 179-412 with 32,
  // 390-900 without turns.
  newRequestsPerTurn: 16,
};

export const overloadSettingsSchema = z
  .object({
    enabled: z.boolean().optional(),
    max_event_loop_delay_ms: z.number().min(0).max(60_000).optional(),
    max_event_loop_utilization: z.number().min(0).max(1).optional(),
    sample_interval_ms: z.number().int().min(10).max(10_000).optional(),
    retry_after_seconds: z.number().int().min(1).max(3600).optional(),
    min_requests_in_flight: z.number().int().min(0).max(1_000_000).optional(),
    new_requests_per_turn: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .optional()
  .transform(
    (value): OverloadSettings => ({
      enabled: value?.enabled ?? DEFAULT_OVERLOAD_SETTINGS.enabled,
      maxEventLoopDelayMs: value?.max_event_loop_delay_ms ?? DEFAULT_OVERLOAD_SETTINGS.maxEventLoopDelayMs,
      maxEventLoopUtilization:
        value?.max_event_loop_utilization ?? DEFAULT_OVERLOAD_SETTINGS.maxEventLoopUtilization,
      sampleIntervalMs: value?.sample_interval_ms ?? DEFAULT_OVERLOAD_SETTINGS.sampleIntervalMs,
      retryAfterSeconds: value?.retry_after_seconds ?? DEFAULT_OVERLOAD_SETTINGS.retryAfterSeconds,
      minRequestsInFlight: value?.min_requests_in_flight ?? DEFAULT_OVERLOAD_SETTINGS.minRequestsInFlight,
      newRequestsPerTurn: value?.new_requests_per_turn ?? DEFAULT_OVERLOAD_SETTINGS.newRequestsPerTurn,
    }),
  );

export const OVERLOAD_KEYS =
  "enabled, max_event_loop_delay_ms, max_event_loop_utilization, sample_interval_ms, retry_after_seconds, min_requests_in_flight, new_requests_per_turn";
