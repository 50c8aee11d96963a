import { z } from "zod";

/** How long the gateway waits on an upstream, per route. */
export interface UpstreamTimeouts {
  /** From sending the request to the response headers (time to first byte). */
  firstByteMs: number;
  /** Longest silence between two chunks of the response body (a stalled stream). */
  idleMs: number;
  /** The whole call, from sending to the last byte. */
  totalMs: number;
}

/** MLflow's gateway waits 300 s for a provider: generating a long answer can take minutes. */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 300_000,
  idleMs: 300_000,
  totalMs: 300_000,
};

const seconds = z.number().positive().max(86_400);

/** The `timeouts:` block of a route, in seconds (fractions allowed). Omitted values keep their defaults. */
export const routeTimeoutsSchema = z
  .object({
    first_byte_seconds: seconds.optional(),
    idle_seconds: seconds.optional(),
    total_seconds: seconds.optional(),
  })
  .strict()
  .optional()
  .transform(
    (value): UpstreamTimeouts => ({
      firstByteMs: toMs(value?.first_byte_seconds) ?? DEFAULT_UPSTREAM_TIMEOUTS.firstByteMs,
      idleMs: toMs(value?.idle_seconds) ?? DEFAULT_UPSTREAM_TIMEOUTS.idleMs,
      totalMs: toMs(value?.total_seconds) ?? DEFAULT_UPSTREAM_TIMEOUTS.totalMs,
    }),
  );

function toMs(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1000);
}
