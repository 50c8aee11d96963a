import type { TokenText } from "../dialects/openai/token-input.js";
import { holdsTokens } from "../dialects/openai/token-input.js";

let loading: Promise<TokenText> | undefined;

/**
 * The `cl100k_base` decoder for token-id input, loaded on the first request that sends token ids: its tables
 * take most of a second to load, which a gateway whose clients send text should not pay at start-up. cl100k_base
 * is what OpenAI's embedding models use, and what LangChain's `OpenAIEmbeddings` tokenizes with when the model
 * name (here a route name) is not one tiktoken knows.
 */
function loadTokenText(): Promise<TokenText> {
  loading ??= import("gpt-tokenizer/encoding/cl100k_base").then(
    (module) => (tokens: number[]) => module.decode(tokens),
  );
  return loading;
}

/** The token decoder when `field` of the body holds token ids, else undefined (nothing to load). */
export async function tokenTextFor(
  body: Record<string, unknown>,
  field: string,
): Promise<TokenText | undefined> {
  return holdsTokens(body[field]) ? loadTokenText() : undefined;
}
