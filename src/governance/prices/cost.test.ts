import { describe, expect, it } from "vitest";
import { createUsage, type Usage } from "../../canonical/index.js";
import { DEFAULT_PRICE_SETTINGS } from "../../config/governance/prices-section.js";
import { type Cost, ceilMillion, costOf, estimateCost, usageBuckets } from "./cost.js";
import type { BucketPrice, Prices } from "./price-entry.js";
import { PriceTable } from "./price-table.js";

const NOW = Date.UTC(2026, 6, 1);
const table = new PriceTable(DEFAULT_PRICE_SETTINGS);

describe("pricing a call", () => {
  it("finds a model in the vendored table and prices input and output exactly, in nano-USD", () => {
    const entry = table.lookup("openai", "gpt-4o-mini");
    expect(entry?.id).toBe("genai-prices:openai/gpt-4o-mini");
    // $0.15 and $0.60 per million tokens: 1000 in, 500 out = $0.00015 + $0.0003.
    expect(costOf(entry, createUsage(1000, 500), NOW)).toMatchObject({ priced: true, nano: 450_000 });
  });

  it("bills cache reads, 5-minute and 1-hour cache writes each at their own price, without counting them twice", () => {
    const entry = table.lookup("anthropic", "claude-sonnet-4-20250514");
    // input $3, cache write $3.75 (5m) / $6 (1h), cache read $0.30, output $15 per million.
    const usage = createUsage(10_000, 1000, {
      cacheReadTokens: 6000,
      cacheWriteTokens: 3000,
      cacheWrite1hTokens: 1000,
    });
    expect(usageBuckets(usage)).toEqual({
      input: 1000,
      cacheRead: 6000,
      cacheWrite5m: 2000,
      cacheWrite1h: 1000,
      output: 1000,
      reasoning: 0,
    });
    const cost = costOf(entry, usage, NOW);
    expect(cost).toMatchObject({
      priced: true,
      nano: 3_000_000 + 1_800_000 + 7_500_000 + 6_000_000 + 15_000_000,
      breakdown: { input: 3_000_000, cacheRead: 1_800_000, cacheWrite: 13_500_000, output: 15_000_000 },
    });
  });

  it("applies a long-context tier to the whole bucket once the prompt passes its threshold", () => {
    const override = new PriceTable({
      ...DEFAULT_PRICE_SETTINGS,
      table: "none",
    });
    const entry = override.lookup("x", "long", { input_per_mtok: 1, output_per_mtok: 2 });
    expect(costOf(entry, createUsage(1_000_000, 0), NOW)).toMatchObject({ nano: 1_000_000_000 });
    const tiered = {
      id: "t",
      history: [
        {
          sinceMs: 0,
          prices: { input: { base: 3e9, tiers: [{ above: 200_000, price: 6e9 }] }, output: 15e9 },
        },
      ],
    };
    expect(costOf(tiered, createUsage(200_000, 0), NOW)).toMatchObject({ nano: 600_000_000 });
    expect(costOf(tiered, createUsage(200_001, 0), NOW)).toMatchObject({ nano: 1_200_006_000 });
  });

  it("bills reasoning as output unless the model prices it apart", () => {
    const entry = { id: "r", history: [{ sinceMs: 0, prices: { input: 1e9, output: 4e9, reasoning: 8e9 } }] };
    const usage = createUsage(0, 1000, { reasoningTokens: 400 });
    expect(costOf(entry, usage, NOW)).toMatchObject({ nano: 600 * 4000 + 400 * 8000 });
    const plain = { id: "p", history: [{ sinceMs: 0, prices: { input: 1e9, output: 4e9 } }] };
    expect(costOf(plain, usage, NOW)).toMatchObject({ nano: 1000 * 4000 });
  });

  it("uses the price in force when the request started", () => {
    const entry = {
      id: "h",
      history: [
        { sinceMs: 0, prices: { input: 5e9, output: 15e9 } },
        { sinceMs: Date.UTC(2026, 0, 1), prices: { input: 2.5e9, output: 10e9 } },
      ],
    };
    expect(costOf(entry, createUsage(1000, 0), Date.UTC(2025, 5, 1))).toMatchObject({ nano: 5_000_000 });
    expect(costOf(entry, createUsage(1000, 0), NOW)).toMatchObject({ nano: 2_500_000 });
  });

  it("never prices an unknown model at $0, but an explicit price of 0 is a real price", () => {
    expect(costOf(table.lookup("mock", "mock-echo"), createUsage(10, 10), NOW)).toEqual({
      priced: false,
      reason: "no_price_entry",
    });
    const free = table.lookup("mock", "mock-echo", { input_per_mtok: 0, output_per_mtok: 0 });
    expect(costOf(free, createUsage(10, 10), NOW)).toMatchObject({
      priced: true,
      nano: 0,
      priceId: "override",
    });
  });

  it("merges overrides field by field over the table's entry, keeping what they do not name", () => {
    const entry = new PriceTable({
      ...DEFAULT_PRICE_SETTINGS,
      overrides: { "openai/gpt-4o-mini": { input_per_mtok: 0.1 } },
    }).lookup("openai", "gpt-4o-mini", { cache_read_per_mtok: 0.01 });
    expect(entry?.id).toBe("genai-prices:openai/gpt-4o-mini+override");
    const usage = createUsage(2000, 1000, { cacheReadTokens: 1000 });
    // input $0.10 (override), cache read $0.01 (route), output $0.60 (table).
    expect(costOf(entry, usage, NOW)).toMatchObject({ nano: 100_000 + 10_000 + 600_000 });
  });

  it("estimates the most a request can cost: the prompt at the highest input price and the cap at the output price", () => {
    const entry = table.lookup("anthropic", "claude-sonnet-4-20250514");
    if (entry === undefined) throw new Error("no price");
    // 1000 input tokens at the 1-hour cache-write price ($6) and 500 output at $15.
    expect(estimateCost(entry, 1000, 500, NOW)).toBe(6_000_000 + 7_500_000);
  });
});

describe("exact arithmetic in plain numbers, and in BigInt past 2^53", () => {
  /** A deterministic generator (mulberry32), so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let value = Math.imul(state ^ (state >>> 15), 1 | state);
      value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
      return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
    };
  }
  const integerBelow = (next: () => number, limit: number): number => Math.floor(next() * limit);

  it("divides any safe integer by a million, rounding up, as BigInt does", () => {
    const next = random(7);
    const samples = [
      0,
      1,
      999_999,
      1_000_000,
      1_000_001,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER - 1,
    ];
    for (let index = 0; index < 2000; index++) {
      const whole = integerBelow(next, 9_007_199_254) * 1_000_000;
      samples.push(whole, whole + 1, Math.max(0, whole - 1), integerBelow(next, Number.MAX_SAFE_INTEGER));
    }
    for (const value of samples) {
      if (!Number.isSafeInteger(value)) continue;
      expect(ceilMillion(value), String(value)).toBe(Number((BigInt(value) + 999_999n) / 1_000_000n));
    }
  });

  it("prices random usages, small and past 2^53, exactly as the formula in BigInt", () => {
    const next = random(11);
    for (let index = 0; index < 3000; index++) {
      // Prices up to $100,000 per million tokens, usages up to 10^10 tokens: both paths are taken.
      const price = (): number => integerBelow(next, next() < 0.5 ? 20e9 : 100_000e9);
      const tokens = (): number => integerBelow(next, next() < 0.7 ? 200_000 : 1e10);
      const prices = {
        input: next() < 0.3 ? { base: price(), tiers: [{ above: 200_000, price: price() }] } : price(),
        output: price(),
        ...(next() < 0.5 ? { cacheRead: price() } : {}),
        ...(next() < 0.5 ? { cacheWrite: price(), cacheWrite1h: price() } : {}),
        ...(next() < 0.5 ? { reasoning: price() } : {}),
        ...(next() < 0.3 ? { requestPerK: price() } : {}),
      };
      const cacheWrite = tokens();
      const usage = createUsage(tokens() + cacheWrite, tokens(), {
        cacheReadTokens: integerBelow(next, 1000),
        cacheWriteTokens: cacheWrite,
        cacheWrite1hTokens: integerBelow(next, cacheWrite + 1),
        reasoningTokens: integerBelow(next, 1000),
      });
      const cost = costOf({ id: "random", history: [{ sinceMs: 0, prices }] }, usage, NOW);
      expect(cost).toEqual(referenceCost(prices, usage));
    }
  });
});

/** The formula spelled out in BigInt, term by term: the oracle for the randomised test. */
function referenceCost(prices: Prices, usage: Usage): Cost {
  const prompt = usage.inputTokens ?? 0;
  const rate = (price: BucketPrice | undefined): bigint | undefined => {
    if (price === undefined) return undefined;
    if (typeof price === "number") return BigInt(price);
    return BigInt(
      price.tiers.reduce((chosen, tier) => (prompt > tier.above ? tier.price : chosen), price.base),
    );
  };
  const buckets = usageBuckets(usage);
  const input = rate(prices.input) ?? 0n;
  const output = rate(prices.output) ?? 0n;
  const cacheWrite = rate(prices.cacheWrite) ?? input;
  const parts = {
    input: BigInt(buckets.input) * input,
    cacheRead: BigInt(buckets.cacheRead) * (rate(prices.cacheRead) ?? input),
    cacheWrite:
      BigInt(buckets.cacheWrite5m) * cacheWrite +
      BigInt(buckets.cacheWrite1h) * (rate(prices.cacheWrite1h) ?? cacheWrite),
    output:
      BigInt(buckets.output - buckets.reasoning) * output +
      BigInt(buckets.reasoning) * (rate(prices.reasoning) ?? output),
    request: (rate(prices.requestPerK) ?? 0n) * 1000n,
  };
  const up = (value: bigint): number => Number((value + 999_999n) / 1_000_000n);
  return {
    priced: true,
    nano: up(parts.input + parts.cacheRead + parts.cacheWrite + parts.output + parts.request),
    breakdown: {
      input: up(parts.input),
      cacheRead: up(parts.cacheRead),
      cacheWrite: up(parts.cacheWrite),
      output: up(parts.output),
      request: up(parts.request),
    },
    priceId: "random",
  };
}
