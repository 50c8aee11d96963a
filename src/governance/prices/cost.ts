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
 * exactly and rounded up once, so a budget never undercounts. A bucket without a price of its own is billed as
 * what it is part of: cache reads and writes as input, reasoning as output. Tiers are chosen by the total prompt
 * size. A model with no price at all, or output tokens without an output price, is unpriced: the cost is
 * unknown, never 0.
 *
 * Exact in plain numbers while every product and sum stays a safe integer (below 2^53, in nano-USD times a
 * million: up to 900,000 tokens of a bucket at $10 per million), which is nearly every call; in BigInt past that.
 * The BigInt arithmetic on every request was about 1% of a pass-through's CPU.
 */
export function costOf(entry: PriceEntry | undefined, usage: Usage, atMs: number): Cost {
  if (entry === undefined) return { priced: false, reason: "no_price_entry" };
  const rates = ratesOf(pricesAt(entry, atMs), usage.inputTokens ?? 0);
  const buckets = usageBuckets(usage);
  if (rates.output === undefined && buckets.output > 0) return { priced: false, reason: "no_output_price" };
  const small = partsOf(buckets, rates, numberTimes, numberPlus);
  const total = small.input + small.cacheRead + small.cacheWrite + small.output + small.request;
  if (Number.isSafeInteger(total)) return pricedCost(small, total, ceilMillion, entry.id);
  const big = partsOf(buckets, rates, bigTimes, bigPlus);
  return pricedCost(
    big,
    big.input + big.cacheRead + big.cacheWrite + big.output + big.request,
    ceilDiv,
    entry.id,
  );
}

/** Each bucket's price per million tokens in integer nano-USD, its own or what it is billed as; `output` is undefined when the model has no output price. */
interface Rates {
  input: number;
  output: number | undefined;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
  request: number;
}

function ratesOf(prices: Prices, prompt: number): Rates {
  const rate = (price: BucketPrice | undefined): number | undefined => {
    if (price === undefined || typeof price === "number") return price;
    let chosen = price.base;
    for (const tier of price.tiers) if (prompt > tier.above) chosen = tier.price;
    return chosen;
  };
  const input = rate(prices.input) ?? 0;
  const output = rate(prices.output);
  const cacheWrite = rate(prices.cacheWrite) ?? input;
  return {
    input,
    output,
    reasoning: rate(prices.reasoning) ?? output ?? 0,
    cacheRead: rate(prices.cacheRead) ?? input,
    cacheWrite,
    cacheWrite1h: rate(prices.cacheWrite1h) ?? cacheWrite,
    request: rate(prices.requestPerK) ?? 0,
  };
}

/** Each part of a cost, in nano-USD times a million (tokens times price per million), before rounding. */
interface Parts<T> {
  input: T;
  cacheRead: T;
  cacheWrite: T;
  output: T;
  request: T;
}

function partsOf<T>(
  buckets: UsageBuckets,
  rates: Rates,
  times: (tokens: number, rate: number) => T,
  plus: (first: T, second: T) => T,
): Parts<T> {
  return {
    input: times(buckets.input, rates.input),
    cacheRead: times(buckets.cacheRead, rates.cacheRead),
    cacheWrite: plus(
      times(buckets.cacheWrite5m, rates.cacheWrite),
      times(buckets.cacheWrite1h, rates.cacheWrite1h),
    ),
    output: plus(
      times(buckets.output - buckets.reasoning, rates.output ?? 0),
      times(buckets.reasoning, rates.reasoning),
    ),
    // Per thousand requests, in the same per-million scale: one request is 1000 "units" of a million.
    request: times(1000, rates.request),
  };
}

/** A product that is not a safe integer is NaN, so the sum fails `Number.isSafeInteger` and BigInt takes over. */
const numberTimes = (tokens: number, rate: number): number => {
  const product = tokens * rate;
  return Number.isSafeInteger(product) ? product : Number.NaN;
};
const numberPlus = (first: number, second: number): number => first + second;
const bigTimes = (tokens: number, rate: number): bigint => BigInt(tokens) * BigInt(rate);
const bigPlus = (first: bigint, second: bigint): bigint => first + second;

function pricedCost<T>(parts: Parts<T>, total: T, perMillion: (value: T) => number, priceId: string): Cost {
  return {
    priced: true,
    nano: perMillion(total),
    breakdown: {
      input: perMillion(parts.input),
      cacheRead: perMillion(parts.cacheRead),
      cacheWrite: perMillion(parts.cacheWrite),
      output: perMillion(parts.output),
      request: perMillion(parts.request),
    },
    priceId,
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

function ceilDiv(value: bigint, divisor: bigint = MILLION): number {
  return Number((value + divisor - 1n) / divisor);
}

/**
 * A safe integer divided by a million, rounded up, exactly: the floating quotient can be one off near a whole
 * number, so the remainder (exact below 2^53) decides.
 */
export function ceilMillion(value: number): number {
  let quotient = Math.floor(value / 1_000_000);
  let rest = value - quotient * 1_000_000;
  if (rest < 0) {
    quotient -= 1;
    rest += 1_000_000;
  } else if (rest >= 1_000_000) {
    quotient += 1;
    rest -= 1_000_000;
  }
  return rest === 0 ? quotient : quotient + 1;
}

/** Whether a price entry prices anything at all (an override may name buckets only). */
export function hasPrices(prices: Prices): boolean {
  return Object.keys(prices).length > 0;
}
