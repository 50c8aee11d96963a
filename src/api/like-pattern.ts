/**
 * Compiles an SQL `LIKE` pattern to an anchored regular expression: `%` matches any run of characters
 * (including none), `_` exactly one character, and a backslash makes the next character literal (`\%`, `\_`,
 * `\\`). Everything else matches itself. `caseInsensitive` gives `ILIKE`.
 */
export function compileLikePattern(pattern: string, caseInsensitive: boolean): RegExp {
  let source = "";
  const characters = Array.from(pattern);
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] ?? "";
    if (character === "\\" && index + 1 < characters.length) {
      index++;
      source += escapeRegExp(characters[index] ?? "");
    } else if (character === "%") {
      source += "[\\s\\S]*";
    } else if (character === "_") {
      source += "[\\s\\S]";
    } else {
      source += escapeRegExp(character);
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? "iu" : "u");
}

function escapeRegExp(text: string): string {
  // Only syntax characters may be escaped under the `u` flag (`\-` would be a syntax error).
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
