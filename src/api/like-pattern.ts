/** A compiled SQL `LIKE` pattern. */
export interface LikePattern {
  test(value: string): boolean;
}

const ANY_RUN = -1;
const ANY_ONE = -2;

/**
 * Compiles an SQL `LIKE` pattern: `%` matches any run of characters (including none), `_` exactly one
 * character, and a backslash makes the next character literal (`\%`, `\_`, `\\`). Everything else matches
 * itself. `caseInsensitive` gives `ILIKE`. Matching never backtracks further than the last `%` (at most
 * pattern length x value length steps): a regular expression with many `.*` backtracks exponentially, and a
 * filter like `%a%a%a%a%a%a%a%a%b` would hold a worker for minutes.
 */
export function compileLikePattern(pattern: string, caseInsensitive: boolean): LikePattern {
  const fold = (text: string): string => (caseInsensitive ? text.toLowerCase() : text);
  const tokens: number[] = [];
  const characters = Array.from(fold(pattern));
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] as string;
    if (character === "\\" && index + 1 < characters.length) {
      index++;
      tokens.push((characters[index] as string).codePointAt(0) as number);
    } else if (character === "%") {
      tokens.push(ANY_RUN);
    } else if (character === "_") {
      tokens.push(ANY_ONE);
    } else {
      tokens.push(character.codePointAt(0) as number);
    }
  }
  return {
    test: (value) =>
      matches(
        tokens,
        Array.from(fold(value), (character) => character.codePointAt(0) as number),
      ),
  };
}

/** Wildcard matching that, on a mismatch, only retries from the last `%` one character further on. */
function matches(tokens: readonly number[], value: readonly number[]): boolean {
  let token = 0;
  let position = 0;
  let lastRun = -1;
  let lastRunPosition = 0;
  while (position < value.length) {
    const expected = tokens[token];
    if (expected === ANY_RUN) {
      lastRun = token++;
      lastRunPosition = position;
    } else if (expected !== undefined && (expected === ANY_ONE || expected === value[position])) {
      token++;
      position++;
    } else if (lastRun !== -1) {
      token = lastRun + 1;
      position = ++lastRunPosition;
    } else {
      return false;
    }
  }
  while (tokens[token] === ANY_RUN) token++;
  return token === tokens.length;
}
