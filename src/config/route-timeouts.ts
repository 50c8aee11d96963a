import { z } from "zod";

/** How long the gateway waits on an upstream, per attempt. */
export interface UpstreamTimeouts {
  /**
   * From sending the request to the response headers. For a whole (non-streaming) answer the headers come with
   * the answer, so this is how long the upstream may take to write all of it.
   */
  firstByteMs: number;
  /**
   * Streams: from sending the request to the first token (the headers and any empty opening chunk do not
   * count). Nothing reaches the client before it, so a target that misses it is left for the next one.
   */
  firstTokenMs: number;
  /** Longest silence between two chunks of the response body (a stalled stream). */
  idleMs: number;
  /** One attempt, from sending to the last byte. */
  totalMs: number;
}

/**
 * Defaults for interactive use: a silent or stalled upstream is given up well before the clients and proxies in
 * front of the gateway give up on it (nginx and cloud load balancers wait 60 s by default), so a fallback still
 * has time to answer. 30 s to a first token covers queueing and long prompts on the major APIs; 30 s of silence
 * in the middle of a stream means it stalled (models send several tokens a second); a whole non-streaming
 * answer gets 60 s; one attempt 300 s, time for the longest ordinary generations. docs/configuration.md gives
 * the reasoning, and how reasoning models or batch work raise them.
 */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 60_000,
  firstTokenMs: 30_000,
  idleMs: 30_000,
  totalMs: 300_000,
};

/** MLflow's gateway waits 300 s for everything (`preset: mlflow`): for batch work and slow reasoning models. */
export const MLFLOW_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 300_000,
  firstTokenMs: 300_000,
  idleMs: 300_000,
  totalMs: 300_000,
};

const PRESETS = { interactive: DEFAULT_UPSTREAM_TIMEOUTS, mlflow: MLFLOW_UPSTREAM_TIMEOUTS } as const;
export const TIMEOUT_PRESETS = Object.keys(PRESETS) as (keyof typeof PRESETS)[];

const seconds = z.number().positive().max(86_400);

/** A `timeouts:` block (of a route, or of one target), in seconds (fractions allowed). */
export const timeoutsSchema = z
  .object({
    preset: z.enum(TIMEOUT_PRESETS, { error: `must be one of: ${TIMEOUT_PRESETS.join(", ")}` }).optional(),
    first_byte_seconds: seconds.optional(),
    first_token_seconds: seconds.optional(),
    idle_seconds: seconds.optional(),
    total_seconds: seconds.optional(),
  })
  .strict()
  .optional();

export type TimeoutsEntry = z.infer<typeof timeoutsSchema>;

export const TIMEOUT_KEYS = "preset, first_byte_seconds, first_token_seconds, idle_seconds, total_seconds";

const KEYS = {
  firstByteMs: "first_byte_seconds",
  firstTokenMs: "first_token_seconds",
  idleMs: "idle_seconds",
  totalMs: "total_seconds",
} as const;

/**
 * A target's timeouts: each key from the target's block, else the route's, else the preset's (the target's
 * preset, else the route's, else `interactive`). A target that names a preset starts from it alone: the
 * route's keys were written for the route's preset.
 */
export function resolveTimeouts(route: TimeoutsEntry, target: TimeoutsEntry): UpstreamTimeouts {
  const base = PRESETS[target?.preset ?? route?.preset ?? "interactive"];
  const inherited = target?.preset === undefined ? route : undefined;
  const pick = (key: keyof UpstreamTimeouts): number => {
    const value = target?.[KEYS[key]] ?? inherited?.[KEYS[key]];
    // At least 1 ms: undici reads a timeout of 0 as "no timeout", the opposite of a tiny one.
    return value === undefined ? base[key] : Math.max(1, Math.round(value * 1000));
  };
  return {
    firstByteMs: pick("firstByteMs"),
    firstTokenMs: pick("firstTokenMs"),
    idleMs: pick("idleMs"),
    totalMs: pick("totalMs"),
  };
}
