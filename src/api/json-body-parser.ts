import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";

/**
 * Every API's JSON body parser: Fastify's own (prototype-poisoning protection included), after a check of how
 * deeply the body nests objects and arrays. The check runs on the text, before anything recursive touches
 * the body: re-serialising a body nested some thousands of levels deep overflows the stack, and a body nested
 * that deep is no request any API defines. A refused body gets 400 in the API's own error format.
 */
export function useJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (exceedsNestingDepth(text, maxDepth)) {
      done(
        new GatewayError(
          "json_too_deep",
          `The request body nests objects and arrays more than ${maxDepth} levels deep, the most this gateway accepts (setting server.max_json_depth).`,
        ),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

/**
 * Whether JSON text nests deeper than `maxDepth`, in one linear pass: strings, where most of a request's bytes
 * are, are skipped with indexOf (native) from one quote to the next unescaped one. Invalid JSON may be
 * misjudged either way; the parser refuses it after.
 */
export function exceedsNestingDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      index = closingQuote(text, index);
      if (index === -1) return false;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

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
