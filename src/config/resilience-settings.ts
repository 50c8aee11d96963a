import { z } from "zod";

/** Retries of one target, and the time budget of the whole request across retries and fallbacks. */
export interface RetrySettings {
  /** Attempts per target, the first included (1 = no retry). */
  maxAttempts: number;
  /** Backoff before retry n is a random wait in [0, min(maxBackoffMs, initialBackoffMs * 2^n)] (full jitter). */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** No retry or fallback starts after this much time has passed since the request arrived. */
  budgetMs: number;
}

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit; 0 turns the breaker off. */
  failureThreshold: number;
  /** How long an open circuit skips the target before one probe request tests it. */
  cooldownMs: number;
  /** After a successful probe, traffic returns to the target gradually over this time. */
  rampUpMs: number;
  /** After a failed probe, the next one comes this much later (a probe is the gateway's own small request). */
  probeIntervalMs: number;
  /**
   * When every target of the route is open: refuse at once (503) instead of trying the target most likely to
   * have recovered.
   */
  failFast: boolean;
}

export const DEFAULT_RETRIES: RetrySettings = {
  maxAttempts: 2,
  initialBackoffMs: 250,
  maxBackoffMs: 8000,
  budgetMs: 300_000,
};
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerSettings = {
  failureThreshold: 5,
  cooldownMs: 30_000,
  rampUpMs: 30_000,
  probeIntervalMs: 5_000,
  failFast: false,
};

const seconds = z.number().min(0).max(86_400);
const ms = (value: number | undefined, fallback: number): number =>
  value === undefined ? fallback : Math.round(value * 1000);

export const retriesSchema = z
  .object({
    max_attempts: z.number().int().min(1).max(10).optional(),
    initial_backoff_seconds: seconds.optional(),
    max_backoff_seconds: seconds.optional(),
    budget_seconds: z.number().positive().max(86_400).optional(),
  })
  .strict()
  .optional()
  .transform(
    (value): RetrySettings => ({
      maxAttempts: value?.max_attempts ?? DEFAULT_RETRIES.maxAttempts,
      initialBackoffMs: ms(value?.initial_backoff_seconds, DEFAULT_RETRIES.initialBackoffMs),
      maxBackoffMs: ms(value?.max_backoff_seconds, DEFAULT_RETRIES.maxBackoffMs),
      budgetMs: ms(value?.budget_seconds, DEFAULT_RETRIES.budgetMs),
    }),
  );

export const circuitBreakerSchema = z
  .object({
    failure_threshold: z.number().int().min(0).max(1000).optional(),
    cooldown_seconds: seconds.optional(),
    ramp_up_seconds: seconds.optional(),
    probe_interval_seconds: z.number().min(0.1).max(86_400).optional(),
    fail_fast: z.boolean().optional(),
  })
  .strict()
  .optional()
  .transform(
    (value): CircuitBreakerSettings => ({
      failureThreshold: value?.failure_threshold ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold,
      cooldownMs: ms(value?.cooldown_seconds, DEFAULT_CIRCUIT_BREAKER.cooldownMs),
      rampUpMs: ms(value?.ramp_up_seconds, DEFAULT_CIRCUIT_BREAKER.rampUpMs),
      probeIntervalMs: ms(value?.probe_interval_seconds, DEFAULT_CIRCUIT_BREAKER.probeIntervalMs),
      failFast: value?.fail_fast ?? DEFAULT_CIRCUIT_BREAKER.failFast,
    }),
  );

export const RETRY_KEYS = "max_attempts, initial_backoff_seconds, max_backoff_seconds, budget_seconds";
export const CIRCUIT_BREAKER_KEYS =
  "failure_threshold, cooldown_seconds, ramp_up_seconds, probe_interval_seconds, fail_fast";
