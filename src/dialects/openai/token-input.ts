import { invalidBody, jsonTypeName } from "./body-validation.js";

/** Turns token ids back into text; the api layer loads the tokenizer before decoding a body that needs it. */
export type TokenText = (tokens: number[]) => string;

/**
 * Whether an `input` or `prompt` holds token ids (`[1, 2]` or `[[1, 2], [3]]`), as LangChain's
 * `OpenAIEmbeddings` sends by default: its text is then tokenized with tiktoken's `cl100k_base` and sent as ids.
 */
export function holdsTokens(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  const [first] = value;
  return typeof first === "number" || (Array.isArray(first) && typeof first[0] === "number");
}

/**
 * Reads a text-or-tokens field (`prompt`, `input`) as texts: strings as they are, token arrays decoded with
 * `tokenText` (for providers that need text; relayed requests keep the ids). `field` names the field in errors.
 */
export function decodeTextsOrTokens(
  value: unknown[],
  field: string,
  tokenText: TokenText | undefined,
): string[] {
  if (value.length === 0) {
    throw invalidBody(`Invalid '${field}': empty array. Expected at least one item.`, [field]);
  }
  if (typeof value[0] === "number") return [decodeTokens(value, [field], tokenText)];
  return value.map((item, position) => {
    if (typeof item === "string") return item;
    if (Array.isArray(item)) return decodeTokens(item, [field, position], tokenText);
    throw invalidBody(
      `Invalid type for '${field}[${position}]': expected a string or an array of token ids, but got ${jsonTypeName(item)} instead.`,
      [field, position],
    );
  });
}

function decodeTokens(
  tokens: unknown[],
  path: (string | number)[],
  tokenText: TokenText | undefined,
): string {
  const name = path.map((part, index) => (index === 0 ? part : `[${part}]`)).join("");
  const bad = tokens.findIndex((token) => !Number.isInteger(token) || (token as number) < 0);
  if (bad !== -1) {
    throw invalidBody(
      `Invalid '${name}[${bad}]': a token id must be a non-negative integer, but got ${JSON.stringify(tokens[bad])}.`,
      [...path, bad],
    );
  }
  if (tokens.length === 0) throw invalidBody(`Invalid '${name}': an empty array of token ids.`, path);
  if (tokenText === undefined) {
    throw invalidBody(`Invalid '${name}': token ids cannot be read here; send the text instead.`, path);
  }
  try {
    return tokenText(tokens as number[]);
  } catch {
    // The tokenizer refuses ids outside its vocabulary: the request's fault, said as such.
    throw invalidBody(
      `Invalid '${name}': these token ids are not cl100k_base tokens (the encoding the gateway decodes token input with).`,
      path,
    );
  }
}
