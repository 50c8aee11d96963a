import { z } from "zod";

/** How long the gateway waits on an upstream, per attempt. */
export interface UpstreamTimeouts {
  /** From sending the request to the response headers (time to first byte). */
  firstByteMs: number;
  /** Longest silence between two chunks of the response body (a stalled stream). */
  idleMs: number;
  /** One attempt, from sending to the last byte. */
  totalMs: number;
}

/** MLflow's gateway waits 300 s for a provider: generating a long answer can take minutes. */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 300_000,
  idleMs: 300_000,
  totalMs: 300_000,
};

const seconds = z.number().positive().max(86_400);

/** A `timeouts:` block (of a route, or of one target), in seconds (fractions allowed). */
export const timeoutsSchema = z
  .object({
    first_byte_seconds: seconds.optional(),
    idle_seconds: seconds.optional(),
    total_seconds: seconds.optional(),
  })
  .strict()
  .optional();

export type TimeoutsEntry = z.infer<typeof timeoutsSchema>;

export const TIMEOUT_KEYS = "first_byte_seconds, idle_seconds, total_seconds";

/** A target's timeouts: its own values, else its route's, else the defaults. */
export function resolveTimeouts(route: TimeoutsEntry, target: TimeoutsEntry): UpstreamTimeouts {
  const pick = (key: keyof NonNullable<TimeoutsEntry>, fallbackMs: number): number => {
    const value = target?.[key] ?? route?.[key];
    // At least 1 ms: undici reads a timeout of 0 as "no timeout", the opposite of a tiny one.
    return value === undefined ? fallbackMs : Math.max(1, Math.round(value * 1000));
  };
  return {
    firstByteMs: pick("first_byte_seconds", DEFAULT_UPSTREAM_TIMEOUTS.firstByteMs),
    idleMs: pick("idle_seconds", DEFAULT_UPSTREAM_TIMEOUTS.idleMs),
    totalMs: pick("total_seconds", DEFAULT_UPSTREAM_TIMEOUTS.totalMs),
  };
}
