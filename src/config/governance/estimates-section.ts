import { z } from "zod";
import type { GovernanceSection } from "./governance-section.js";

/**
 * `governance.estimates`: what a request reserves before the call, and how often a running stream is metered.
 * The input estimate costs nothing to compute: it is the request body's size (every token of a byte-level BPE
 * tokenizer covers at least one byte, so `body_bytes` is an upper bound; `body_bytes_div_4` the usual average).
 */
export interface EstimateSettings {
  input: "body_bytes_div_4" | "body_bytes";
  /** Reserved for the output when the request sets no cap (never sent upstream). */
  defaultMaxOutputTokens: number;
  /** A stream is metered (its reservation topped up, its lease renewed) every this many output tokens... */
  meterEveryTokens: number;
  /** ...or this often, whichever comes first; leases live three times this long without renewal. */
  meterEveryMs: number;
}

const schema = z
  .object({
    input: z.enum(["body_bytes_div_4", "body_bytes"]).optional(),
    default_max_output_tokens: z.number().int().min(0).max(10_000_000).optional(),
    meter_every_tokens: z.number().int().min(1).max(10_000_000).optional(),
    meter_every_ms: z.number().int().min(50).max(600_000).optional(),
  })
  .strict();

export const DEFAULT_ESTIMATES: EstimateSettings = {
  input: "body_bytes_div_4",
  defaultMaxOutputTokens: 4096,
  meterEveryTokens: 512,
  meterEveryMs: 2000,
};

export const estimatesSection: GovernanceSection<"estimates", EstimateSettings> = {
  key: "estimates",
  schema,
  finish(value) {
    const entry = (value ?? {}) as z.infer<typeof schema>;
    return {
      input: entry.input ?? DEFAULT_ESTIMATES.input,
      defaultMaxOutputTokens: entry.default_max_output_tokens ?? DEFAULT_ESTIMATES.defaultMaxOutputTokens,
      meterEveryTokens: entry.meter_every_tokens ?? DEFAULT_ESTIMATES.meterEveryTokens,
      meterEveryMs: entry.meter_every_ms ?? DEFAULT_ESTIMATES.meterEveryMs,
    };
  },
};
