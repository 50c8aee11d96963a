import type { PriceOverride } from "../../config/governance/limit-blocks.js";
import { usdToNano } from "../../config/governance/limit-blocks.js";

/**
 * One model's prices in integer nano-USD per million tokens (per thousand requests for `requestPerK`), each
 * bucket flat or tiered by the request's total input (a long-context price applies to the whole bucket once
 * the prompt is larger than the tier's threshold, as Anthropic and Google bill it).
 */
export type BucketPrice = number | { base: number; tiers: { above: number; price: number }[] };

export interface Prices {
  input?: BucketPrice;
  output?: BucketPrice;
  cacheRead?: BucketPrice;
  cacheWrite?: BucketPrice;
  cacheWrite1h?: BucketPrice;
  reasoning?: BucketPrice;
  requestPerK?: BucketPrice;
}

export type PriceBucket = keyof Prices;

/** A priced model: its price history (ascending `sinceMs`; the first entry has no start) and where it came from. */
export interface PriceEntry {
  /** `genai-prices:openai/gpt-4o`, `override`, or `default_price`: recorded with every cost. */
  id: string;
  history: { sinceMs: number; prices: Prices }[];
}

/** The table's JSON shape (scripts/generate-price-table.mjs writes it). */
export interface RawPrices {
  input?: RawBucket;
  output?: RawBucket;
  cache_read?: RawBucket;
  cache_write?: RawBucket;
  cache_write_1h?: RawBucket;
  reasoning?: RawBucket;
  request_per_k?: RawBucket;
}
type RawBucket = string | { base: string; tiers: { above: number; price: string }[] };

const RAW_KEYS: Record<keyof RawPrices, PriceBucket> = {
  input: "input",
  output: "output",
  cache_read: "cacheRead",
  cache_write: "cacheWrite",
  cache_write_1h: "cacheWrite1h",
  reasoning: "reasoning",
  request_per_k: "requestPerK",
};

/** Decimal USD (as the table and overrides write them) to integer nano-USD, exactly. */
function nano(value: string | number): number {
  const exact = usdToNano(value);
  if (exact !== undefined) return exact;
  // More than 9 decimals per million tokens: below a nano-USD per token anyway; rounded.
  return Math.round(Number(value) * 1e9);
}

export function decodeRawPrices(raw: RawPrices): Prices {
  const prices: Prices = {};
  for (const [key, bucket] of Object.entries(RAW_KEYS) as [keyof RawPrices, PriceBucket][]) {
    const value = raw[key];
    if (value === undefined) continue;
    prices[bucket] =
      typeof value === "string"
        ? nano(value)
        : {
            base: nano(value.base),
            tiers: value.tiers.map((tier) => ({ above: tier.above, price: nano(tier.price) })),
          };
  }
  return prices;
}

const OVERRIDE_KEYS: Record<keyof PriceOverride, PriceBucket> = {
  input_per_mtok: "input",
  output_per_mtok: "output",
  cache_read_per_mtok: "cacheRead",
  cache_write_per_mtok: "cacheWrite",
  cache_write_1h_per_mtok: "cacheWrite1h",
  reasoning_per_mtok: "reasoning",
};

/**
 * Merges an override over prices field by field: a bucket the override names replaces that bucket (its tiers
 * too); every other bucket, tiers included, is kept (an override never detaches the long-context tiers of the
 * buckets it does not name).
 */
export function mergeOverride(prices: Prices, override: PriceOverride): Prices {
  const merged: Prices = { ...prices };
  for (const [key, bucket] of Object.entries(OVERRIDE_KEYS) as [keyof PriceOverride, PriceBucket][]) {
    const value = override[key];
    if (value !== undefined) merged[bucket] = nano(value);
  }
  return merged;
}

/** The prices in force at `atMs` (the request's start). */
export function pricesAt(entry: PriceEntry, atMs: number): Prices {
  let current = entry.history[0]?.prices ?? {};
  for (const step of entry.history) if (step.sinceMs <= atMs) current = step.prices;
  return current;
}
