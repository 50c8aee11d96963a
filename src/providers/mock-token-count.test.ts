import { beforeAll, describe, expect, it } from "vitest";
import { MockTokenCount } from "./mock-token-count.js";
import { loadTokenizer, type Tokenizer } from "./mock-tokenizer.js";

let tokenizer: Tokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer();
});

const PROSE = "The quick brown fox jumps over the lazy dog, twice.\n  Then it rests. ";

describe("MockTokenCount", () => {
  it("counts ordinary texts exactly, long ones cut into pieces at whitespace", () => {
    const counter = new MockTokenCount(tokenizer);
    expect(counter.count("Hello, world!")).toBe(tokenizer.countTokens("Hello, world!"));
    const long = PROSE.repeat(200);
    expect(long.length).toBeGreaterThan(10_000);
    expect(counter.count(long)).toBe(tokenizer.countTokens(long));
  });

  it("estimates past the request's exact budget at the rate measured so far", () => {
    const counter = new MockTokenCount(tokenizer, 1_000);
    const text = PROSE.repeat(100);
    const exact = tokenizer.countTokens(text);
    const estimated = counter.count(text);
    expect(estimated).not.toBe(exact);
    expect(Math.abs(estimated - exact) / exact).toBeLessThan(0.05);
    // The budget is the request's: a second text is estimated whole.
    expect(counter.count(PROSE)).toBe(Math.ceil((PROSE.length * estimatedRate(text)) / 1));
  });

  it("counts a 9 MB word without spaces (which BPE alone takes hours on)", () => {
    const word = "a".repeat(9 * 1024 * 1024);
    const count = new MockTokenCount(tokenizer).count(word);
    // o200k_base makes tokens of 8 'a's; the estimate keeps the rate of the counted part.
    expect(count).toBe(word.length / 8);
  });

  it("truncates after max tokens exactly, also inside a long word", () => {
    const counter = new MockTokenCount(tokenizer);
    const text = PROSE.repeat(50);
    const tokens = tokenizer.encode(text);
    expect(counter.truncate(text, 7)).toBe(tokenizer.decode(tokens.slice(0, 7)));
    expect(counter.truncate(text, tokens.length)).toBeUndefined();
    expect(counter.truncate("a".repeat(5000), 3)).toBe("a".repeat(24));
  });

  it("truncates a text far past the budget at the estimated rate", () => {
    const counter = new MockTokenCount(tokenizer, 2048);
    const word = "a".repeat(1024 * 1024);
    const cut = counter.truncate(word, 100_000);
    expect(cut).toBe("a".repeat(800_000));
    expect(counter.truncate(word, 200_000)).toBeUndefined();
  });
});

function estimatedRate(text: string): number {
  const measured = text.slice(0, 1_000);
  return tokenizer.countTokens(measured) / measured.length;
}
