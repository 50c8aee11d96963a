/** The subset of gpt-tokenizer the mock provider uses. */
export interface Tokenizer {
  countTokens(text: string): number;
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

let loading: Promise<Tokenizer> | undefined;

/**
 * The o200k_base tokenizer (GPT-4o's), loaded on first use: its tables take most of a second to load, which
 * a gateway without mock routes should not pay at start-up.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then((module) => ({
    countTokens: (text: string) => module.countTokens(text),
    encode: (text: string) => module.encode(text),
    decode: (tokens: number[]) => module.decode(tokens),
  }));
  return loading;
}
