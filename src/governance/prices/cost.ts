import type { Usage } from "../../canonical/index.js";
import type { BucketPrice, PriceEntry, Prices } from "./price-entry.js";
import { pricesAt } from "./price-entry.js";

/** Tokens of one call by what they are billed as: each counted once (they add up to input + output). */
export interface UsageBuckets {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  /** Of `output`, the reasoning tokens (priced apart only where the model has a reasoning price). */
  reasoning: number;
}

/**
 * Splits canonical usage into billing buckets. Canonical `inputTokens` is the whole prompt (cached parts
 * included, as OpenAI reports it and as the Anthropic decoder adds it up), so the uncached input is what is
 * left after the cache reads and writes; `outputTokens` includes reasoning ("don't add reasoning twice").
 */
export function usageBuckets(usage: Usage): UsageBuckets {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const cacheWrite1h = Math.min(usage.cacheWrite1hTokens ?? 0, cacheWrite);
  const prompt = usage.inputTokens ?? 0;
  return {
    input: Math.max(0, prompt - cacheRead - cacheWrite),
    cacheRead,
    cacheWrite5m: cacheWrite - cacheWrite1h,
    cacheWrite1h,
    output: usage.outputTokens ?? 0,
    reasoning: Math.min(usage.reasoningTokens ?? 0, usage.outputTokens ?? 0),
  };
}

export type Cost =
  | { priced: true; nano: number; breakdown: CostBreakdown; priceId: string }
  | { priced: false; reason: "no_price_entry" | "no_output_price" };

/** Nano-USD per bucket, as the usage log records it. */
export interface CostBreakdown {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  request: number;
}

const MILLION = 1_000_000n;

/**
 * Two parts of one request priced apart (a continued stream's broken start and its continuation, at their own
 * targets): the sum, bucket by bucket; unpriced when either part is. The price id is the second part's.
 */
export function addCosts(first: Cost, second: Cost): Cost {
  if (!first.priced) return first;
  if (!second.priced) return second;
  const a = first.breakdown;
  const b = second.breakdown;
  return {
    priced: true,
    nano: first.nano + second.nano,
    priceId: second.priceId,
    breakdown: {
      input: a.input + b.input,
      cacheRead: a.cacheRead + b.cacheRead,
      cacheWrite: a.cacheWrite + b.cacheWrite,
      output: a.output + b.output,
      request: a.request + b.request,
    },
  };
}

/**
 * The cost of a call in integer nano-USD: tokens of each bucket times that bucket's price per million, summed
 * exactly (BigInt) and rounded up once, so a budget never undercounts. A bucket without a price of its own is
 * billed as what it is part of: cache reads and writes as input, reasoning as output. Tiers are chosen by the
 * total prompt size. A model with no price at all, or output tokens without an output price, is unpriced:
 * the cost is unknown, never 0.
 */
export function costOf(entry: PriceEntry | undefined, usage: Usage, atMs: number): Cost {
  if (entry === undefined) return { priced: false, reason: "no_price_entry" };
  const prices = pricesAt(entry, atMs);
  const buckets = usageBuckets(usage);
  const prompt = usage.inputTokens ?? 0;
  const rate = (price: BucketPrice | undefined): bigint | undefined => {
    if (price === undefined) return undefined;
    if (typeof price === "number") return BigInt(price);
    let chosen = price.base;
    for (const tier of price.tiers) if (prompt > tier.above) chosen = tier.price;
    return BigInt(chosen);
  };
  const input = rate(prices.input) ?? 0n;
  const output = rate(prices.output);
  if (output === undefined && buckets.output > 0) return { priced: false, reason: "no_output_price" };
  const outputRate = output ?? 0n;
  const reasoningRate = rate(prices.reasoning) ?? outputRate;
  const cacheWriteRate = rate(prices.cacheWrite) ?? input;
  const parts = {
    input: BigInt(buckets.input) * input,
    cacheRead: BigInt(buckets.cacheRead) * (rate(prices.cacheRead) ?? input),
    cacheWrite:
      BigInt(buckets.cacheWrite5m) * cacheWriteRate +
      BigInt(buckets.cacheWrite1h) * (rate(prices.cacheWrite1h) ?? cacheWriteRate),
    output:
      BigInt(buckets.output - buckets.reasoning) * outputRate + BigInt(buckets.reasoning) * reasoningRate,
    // Per thousand requests, in the same per-million scale: one request is 1000 "units" of a million.
    request: (rate(prices.requestPerK) ?? 0n) * 1000n,
  };
  const total = parts.input + parts.cacheRead + parts.cacheWrite + parts.output + parts.request;
  return {
    priced: true,
    nano: ceilDiv(total, MILLION),
    breakdown: {
      input: ceilDiv(parts.input, MILLION),
      cacheRead: ceilDiv(parts.cacheRead, MILLION),
      cacheWrite: ceilDiv(parts.cacheWrite, MILLION),
      output: ceilDiv(parts.output, MILLION),
      request: ceilDiv(parts.request, MILLION),
    },
    priceId: entry.id,
  };
}

/**
 * The most a request can cost before it is made, for its reservation: every input token at the highest input
 * price that may apply (the cache-write price if higher: a request may write its whole prompt to the cache),
 * and the output cap at the output price (or the reasoning price if higher).
 */
export function estimateCost(
  entry: PriceEntry,
  inputTokens: number,
  outputTokens: number,
  atMs: number,
): number {
  const prices = pricesAt(entry, atMs);
  const highest = (...candidates: (BucketPrice | undefined)[]): bigint => {
    let best = 0n;
    for (const price of candidates) {
      if (price === undefined) continue;
      const values =
        typeof price === "number" ? [price] : [price.base, ...price.tiers.map((tier) => tier.price)];
      for (const value of values) if (BigInt(value) > best) best = BigInt(value);
    }
    return best;
  };
  const input = highest(prices.input, prices.cacheWrite, prices.cacheWrite1h);
  const output = highest(prices.output, prices.reasoning);
  const request = highest(prices.requestPerK) * 1000n;
  return ceilDiv(BigInt(inputTokens) * input + BigInt(outputTokens) * output + request, MILLION);
}

function ceilDiv(value: bigint, divisor: bigint): number {
  return Number((value + divisor - 1n) / divisor);
}

/** Whether a price entry prices anything at all (an override may name buckets only). */
export function hasPrices(prices: Prices): boolean {
  return Object.keys(prices).length > 0;
}
