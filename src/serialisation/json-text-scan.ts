/** What one pass over a request body's JSON text found, before the text is parsed. */
export interface JsonTextScan {
  /** It nests objects and arrays deeper than the limit (the rest is then not scanned). */
  tooDeep: boolean;
  /** The index of the top-level object's opening brace; -1 when the text is not an object. */
  openBrace: number;
  /**
   * The text is an object whose top-level keys are all written without escapes (so none can mean `model` to a
   * parser without saying it), with at most one `model` key, whose value is a string: a relay may splice it.
   */
  spliceable: boolean;
  /** Where that `model` value is, its quotes included (`modelEnd` is past the closing one); -1 without one. */
  modelStart: number;
  modelEnd: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

/**
 * One linear pass over JSON text: how deeply it nests (a body nested thousands of levels deep would overflow the
 * stack of anything recursive, and is no request any API defines) and where its top-level `model` value is (a
 * relayed body is written as the client's text with that value replaced: serialisation/client-json.ts).
 * Strings, where most of a request's bytes are, are skipped with indexOf (native) from one quote to the next
 * unescaped one. Invalid JSON may be misjudged either way; the parser refuses it after.
 */
export function scanJsonText(text: string, maxDepth: number): JsonTextScan {
  let depth = 0;
  let openBrace = -1;
  let modelStart = -1;
  let modelEnd = -1;
  // Cleared by a second top-level `model` key, a non-string one, or a top-level key with an escape in it.
  let spliceable = true;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      const close = closingQuote(text, index);
      if (close === -1) return NOT_SPLICEABLE;
      // A string directly in the top-level object is a key (a colon follows) or a value.
      if (depth === 1 && openBrace !== -1 && spliceable) {
        const colon = nextNonSpace(text, close + 1);
        if (text.charCodeAt(colon) === COLON) {
          if (hasBackslash(text, index + 1, close)) spliceable = false;
          else if (close - index === 6 && text.startsWith("model", index + 1)) {
            const value = nextNonSpace(text, colon + 1);
            const valueClose = text.charCodeAt(value) === QUOTE ? closingQuote(text, value) : -1;
            if (modelStart !== -1 || valueClose === -1) spliceable = false;
            else {
              modelStart = value;
              modelEnd = valueClose + 1;
            }
          }
        }
      }
      index = close;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (depth === 0 && char === OPEN_BRACE) openBrace = index;
      if (++depth > maxDepth) return TOO_DEEP;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return spliceable && openBrace !== -1
    ? { tooDeep: false, openBrace, spliceable, modelStart, modelEnd }
    : NOT_SPLICEABLE;
}

const NOT_SPLICEABLE: JsonTextScan = {
  tooDeep: false,
  openBrace: -1,
  spliceable: false,
  modelStart: -1,
  modelEnd: -1,
};
const TOO_DEEP: JsonTextScan = { ...NOT_SPLICEABLE, tooDeep: true };

/** The index of the quote that closes the string opened at `open`; -1 when there is none. */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

/** The index of the first character at or after `from` that is not JSON whitespace. */
export function nextNonSpace(text: string, from: number): number {
  let index = from;
  for (;;) {
    const char = text.charCodeAt(index);
    if (char !== 32 && char !== 10 && char !== 13 && char !== 9) return index;
    index++;
  }
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) if (text.charCodeAt(index) === BACKSLASH) return true;
  return false;
}
