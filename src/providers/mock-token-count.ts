import type { Tokenizer } from "./mock-tokenizer.js";

/**
 * How many characters of one request the mock tokenizes exactly. BPE is slow on text it has not cached (some
 * microseconds per character of random letters) and quadratic on a long run without whitespace (80 KB of one
 * word took 6 s), so a request's exact work is capped: past this many characters, token counts are estimated
 * at the rate measured on the part that was counted. Ordinary requests are far below it and counted exactly.
 */
export const EXACT_CHARS_PER_REQUEST = 32 * 1024;

/** BPE pieces are at most this long, cut at whitespace where there is some: a long run costs linear time. */
const PIECE_CHARS = 1024;

/** Before anything was measured: about four characters per token, the usual rate for English. */
const DEFAULT_TOKENS_PER_CHAR = 0.25;

/**
 * The mock's token counting for one request, with bounded work whatever the request's size: exact up to
 * EXACT_CHARS_PER_REQUEST characters over all the texts it is asked about, estimated beyond.
 */
export class MockTokenCount {
  private exactChars = 0;
  private exactTokens = 0;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly exactBudget = EXACT_CHARS_PER_REQUEST,
  ) {}

  count(text: string): number {
    const exact = text.slice(0, Math.max(0, this.exactBudget - this.exactChars));
    let tokens = 0;
    for (const piece of pieces(exact)) tokens += this.tokenizer.countTokens(piece);
    this.exactChars += exact.length;
    this.exactTokens += tokens;
    return tokens + Math.ceil((text.length - exact.length) * this.tokensPerChar());
  }

  /** The text cut after `maxTokens` tokens; undefined when it has no more than that. */
  truncate(text: string, maxTokens: number): string | undefined {
    const tokens: number[] = [];
    let chars = 0;
    for (const piece of pieces(text)) {
      if (chars >= this.exactBudget - this.exactChars) {
        // Past the budget: cut where the rest of the tokens would end at the rate measured on this text.
        const rate = chars === 0 ? this.tokensPerChar() : tokens.length / chars;
        const rest = Math.ceil((maxTokens - tokens.length) / rate);
        const end = chars + rest;
        return end >= text.length ? undefined : this.tokenizer.decode(tokens) + text.slice(chars, end);
      }
      tokens.push(...this.tokenizer.encode(piece));
      chars += piece.length;
      if (tokens.length > maxTokens) return this.tokenizer.decode(tokens.slice(0, maxTokens));
    }
    return undefined;
  }

  private tokensPerChar(): number {
    return this.exactChars === 0 || this.exactTokens === 0
      ? DEFAULT_TOKENS_PER_CHAR
      : this.exactTokens / this.exactChars;
  }
}

/** The text in pieces of at most PIECE_CHARS, each cut before a whitespace character when there is one. */
function* pieces(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > PIECE_CHARS) {
    let cut = start + PIECE_CHARS;
    while (cut > start + PIECE_CHARS / 2 && !isWhitespace(text.charCodeAt(cut))) cut--;
    if (cut === start + PIECE_CHARS / 2) {
      cut = start + PIECE_CHARS;
      // Never between the two halves of a surrogate pair.
      if (isLowSurrogate(text.charCodeAt(cut))) cut--;
    }
    yield text.slice(start, cut);
    start = cut;
  }
  if (start < text.length) yield text.slice(start);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}
