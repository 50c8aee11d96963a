import { GatewayError } from "../canonical/index.js";
import { compileLikePattern } from "./like-pattern.js";

export interface RouteFilterClause {
  field: RouteFilterField;
  operator: RouteFilterOperator;
  value: string;
}

export type RouteFilterField = "name" | "route_type" | "model.name" | "model.provider";
export type RouteFilterOperator = "=" | "!=" | "LIKE" | "ILIKE";

/** The route fields a filter can see: those of the public route object. */
export interface FilterableRoute {
  name: string;
  type: string;
  model: string;
  provider: string;
}

const FIELDS: readonly RouteFilterField[] = ["name", "route_type", "model.name", "model.provider"];
const FIELD_LIST = "name, route_type, model.name or model.provider";
const MAX_FILTER_LENGTH = 4096;

export type RouteFilter = (route: FilterableRoute) => boolean;

/**
 * The `filter` of the route list (`GET /api/2.0/gateway/routes/?filter=...`), in the style of MLflow search
 * filters:
 *
 * ```
 * filter  := clause ( AND clause )*
 * clause  := field operator string
 * field   := name | route_type | model.name | model.provider
 * operator:= = | != | LIKE | ILIKE
 * string  := '...' | "..."     (a doubled quote inside stands for itself: 'it''s')
 * ```
 *
 * Keywords and field names are case-insensitive; values are compared case-sensitively except with `ILIKE`.
 * `LIKE` takes `%` (any run of characters) and `_` (one character); a backslash makes either literal.
 * An empty filter matches every route. A malformed one throws `invalid_filter` (400) naming the column where
 * it went wrong. Parsing returns a predicate over the public route fields.
 */
export function parseRouteFilter(text: string): RouteFilter {
  const clauses = parseRouteFilterClauses(text);
  const tests = clauses.map(compileClause);
  return (route) => tests.every((test) => test(route));
}

export function parseRouteFilterClauses(text: string): RouteFilterClause[] {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new GatewayError(
      "invalid_filter",
      `Invalid filter: it is ${text.length} characters long; the longest accepted is ${MAX_FILTER_LENGTH}.`,
      { param: "filter" },
    );
  }
  const scanner = new FilterScanner(text);
  const clauses: RouteFilterClause[] = [];
  scanner.skipSpaces();
  if (scanner.atEnd()) return clauses;
  for (;;) {
    clauses.push(parseClause(scanner));
    scanner.skipSpaces();
    if (scanner.atEnd()) return clauses;
    const start = scanner.position;
    if (scanner.readWord().toUpperCase() !== "AND") {
      scanner.position = start;
      throw scanner.fail("AND or the end of the filter");
    }
    scanner.skipSpaces();
  }
}

function parseClause(scanner: FilterScanner): RouteFilterClause {
  const fieldStart = scanner.position;
  const word = scanner.readWord();
  if (word === "") throw scanner.fail(`a field (${FIELD_LIST})`);
  const field = FIELDS.find((candidate) => candidate === word.toLowerCase());
  if (field === undefined) {
    scanner.position = fieldStart;
    throw scanner.fail(`a field (${FIELD_LIST})`);
  }
  scanner.skipSpaces();
  const operator = readOperator(scanner);
  scanner.skipSpaces();
  return { field, operator, value: readString(scanner) };
}

function readOperator(scanner: FilterScanner): RouteFilterOperator {
  if (scanner.consume("!=")) return "!=";
  if (scanner.consume("=")) return "=";
  const start = scanner.position;
  const word = scanner.readWord().toUpperCase();
  if (word === "LIKE" || word === "ILIKE") return word;
  scanner.position = start;
  throw scanner.fail("an operator (=, !=, LIKE or ILIKE)");
}

function readString(scanner: FilterScanner): string {
  const quote = scanner.peek();
  if (quote !== "'" && quote !== '"') throw scanner.fail(`a quoted string ('...' or "...")`);
  const start = scanner.position;
  scanner.position++;
  let value = "";
  while (!scanner.atEnd()) {
    const character = scanner.peek();
    scanner.position++;
    if (character !== quote) {
      value += character;
    } else if (scanner.peek() === quote) {
      value += quote;
      scanner.position++;
    } else {
      return value;
    }
  }
  scanner.position = start;
  throw scanner.fail(`a closing ${quote} for the string that starts here`);
}

function compileClause(clause: RouteFilterClause): RouteFilter {
  const read = (route: FilterableRoute): string => {
    if (clause.field === "name") return route.name;
    if (clause.field === "route_type") return route.type;
    if (clause.field === "model.name") return route.model;
    return route.provider;
  };
  if (clause.operator === "=") return (route) => read(route) === clause.value;
  if (clause.operator === "!=") return (route) => read(route) !== clause.value;
  const pattern = compileLikePattern(clause.value, clause.operator === "ILIKE");
  return (route) => pattern.test(read(route));
}

/** A cursor over the filter text that knows how to say where it went wrong. */
class FilterScanner {
  position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  skipSpaces(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.position++;
  }

  consume(expected: string): boolean {
    if (!this.text.startsWith(expected, this.position)) return false;
    this.position += expected.length;
    return true;
  }

  /** A field name or keyword: letters, digits, `_` and `.`. Empty when none starts here. */
  readWord(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.position));
    const word = match?.[0] ?? "";
    this.position += word.length;
    return word;
  }

  /**
   * The error for the current position: the 1-based column, what was expected and what was found, and the
   * filter with `>>>` inserted where it went wrong, all on one line.
   */
  fail(expected: string): GatewayError {
    const found = this.atEnd()
      ? "the end of the filter"
      : JSON.stringify(/^\S{1,24}/.exec(this.text.slice(this.position))?.[0] ?? this.peek());
    const flat = (part: string): string => part.replace(/\s/g, " ");
    const marked = `${flat(this.text.slice(0, this.position))}>>>${flat(this.text.slice(this.position))}`;
    return new GatewayError(
      "invalid_filter",
      `Invalid filter at column ${this.position + 1}: expected ${expected}, found ${found}. Here: ${marked}`,
      { param: "filter" },
    );
  }
}
