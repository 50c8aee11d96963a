import { describe, expect, it } from "vitest";
import { isGatewayError } from "../canonical/index.js";
import { compileLikePattern } from "./like-pattern.js";
import { type FilterableRoute, parseRouteFilter, parseRouteFilterClauses } from "./route-filter.js";

const ROUTES: FilterableRoute[] = [
  { name: "chat", type: "llm/v1/chat", model: "gpt-4o", provider: "openai" },
  { name: "chat-large", type: "llm/v1/chat", model: "claude-sonnet-4-5", provider: "anthropic" },
  { name: "Chat_2", type: "llm/v1/chat", model: "mock-echo", provider: "mock" },
  { name: "embed", type: "llm/v1/embeddings", model: "text-embedding-3-small", provider: "openai" },
  { name: "it's", type: "llm/v1/completions", model: "mock-echo", provider: "mock" },
  { name: "100%", type: "llm/v1/completions", model: "mock-echo", provider: "mock" },
];

function names(filter: string): string[] {
  const matches = parseRouteFilter(filter);
  return ROUTES.filter(matches).map((route) => route.name);
}

function failure(filter: string): { status: number; code: string; message: string } {
  try {
    parseRouteFilter(filter);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return { status: error.status, code: error.code, message: error.message };
  }
  throw new Error(`expected '${filter}' to be refused`);
}

describe("parseRouteFilter", () => {
  it.each([
    ["", ["chat", "chat-large", "Chat_2", "embed", "it's", "100%"]],
    ["   ", ["chat", "chat-large", "Chat_2", "embed", "it's", "100%"]],
    ["name = 'chat'", ["chat"]],
    ['name = "chat"', ["chat"]],
    ["name != 'chat'", ["chat-large", "Chat_2", "embed", "it's", "100%"]],
    ["name LIKE 'chat%'", ["chat", "chat-large"]],
    ["name like 'chat%'", ["chat", "chat-large"]],
    ["name ILIKE 'chat%'", ["chat", "chat-large", "Chat_2"]],
    ["name LIKE 'chat_2'", []],
    ["name ILIKE 'chat_2'", ["Chat_2"]],
    ["name LIKE '____'", ["chat", "it's", "100%"]],
    ["name LIKE '%\\%'", ["100%"]],
    ["name = 'it''s'", ["it's"]],
    ["route_type = 'llm/v1/embeddings'", ["embed"]],
    ["model.provider = 'openai'", ["chat", "embed"]],
    ["model.name = 'mock-echo'", ["Chat_2", "it's", "100%"]],
    ["model.name LIKE '%echo'", ["Chat_2", "it's", "100%"]],
    ["route_type = 'llm/v1/chat' AND model.provider = 'openai'", ["chat"]],
    ["NAME ilike 'CHAT%' and Model.Provider != 'mock' AnD route_type='llm/v1/chat'", ["chat", "chat-large"]],
    ["name='chat'", ["chat"]],
  ])("matches %j to %j", (filter, expected) => {
    expect(names(filter)).toEqual(expected);
  });

  it("parses clauses into field, operator and value", () => {
    expect(parseRouteFilterClauses(`name LIKE 'a%' AND model.provider != "b"`)).toEqual([
      { field: "name", operator: "LIKE", value: "a%" },
      { field: "model.provider", operator: "!=", value: "b" },
    ]);
  });

  it.each([
    ["name = chat", 8, "expected a quoted string", "name = >>>chat"],
    ["name", 5, "expected an operator (=, !=, LIKE or ILIKE), found the end of the filter", "name>>>"],
    ["name == 'chat'", 7, "expected a quoted string", "name =>>>= 'chat'"],
    ["name IS 'chat'", 6, 'expected an operator (=, !=, LIKE or ILIKE), found "IS"', "name >>>IS 'chat'"],
    [
      "provider = 'openai'",
      1,
      'expected a field (name, route_type, model.name or model.provider), found "provider"',
      ">>>provider",
    ],
    [
      "name = 'chat' OR name = 'x'",
      15,
      'expected AND or the end of the filter, found "OR"',
      "name = 'chat' >>>OR",
    ],
    ["name = 'chat' AND", 18, "expected a field", "found the end of the filter"],
    ["name = 'chat", 8, "expected a closing ' for the string that starts here", "name = >>>'chat"],
    ["= 'chat'", 1, "expected a field", ">>>= 'chat'"],
    ["name = 'a' name = 'b'", 12, "expected AND or the end of the filter", "name = 'a' >>>name"],
  ])("refuses %j at column %i", (filter, column, expected, marked) => {
    const error = failure(filter);
    expect(error).toMatchObject({ status: 400, code: "invalid_filter" });
    expect(error.message).toContain(`Invalid filter at column ${column}: `);
    expect(error.message).toContain(expected);
    expect(error.message).toContain(marked);
    expect(error.message).not.toContain("\n");
  });

  it("refuses filters longer than 4096 characters", () => {
    expect(failure(`name = '${"x".repeat(5000)}'`).message).toContain("the longest accepted is 4096");
  });
});

describe("compileLikePattern", () => {
  it("treats regular-expression characters in the pattern literally", () => {
    expect(compileLikePattern("a.b(c)*[d]-e", false).test("a.b(c)*[d]-e")).toBe(true);
    expect(compileLikePattern("a.b", false).test("axb")).toBe(false);
  });

  it("matches across the whole value only", () => {
    expect(compileLikePattern("chat", false).test("chat-large")).toBe(false);
    expect(compileLikePattern("%chat%", false).test("my-chat-large")).toBe(true);
  });

  it.each([
    ["%", "", true],
    ["a%", "a", true],
    ["%a%b", "xaxbxb", true],
    ["%a%b", "xaxbxbx", false],
    ["a_c%", "abcdef", true],
    ["_", "é", true],
    ["%%%", "anything", true],
    ["a%b%c", "acb", false],
  ])("matches %s against '%s': %s", (pattern, value, expected) => {
    expect(compileLikePattern(pattern, false).test(value)).toBe(expected);
  });

  it("compares case-insensitively for ILIKE", () => {
    expect(compileLikePattern("CHAT%", true).test("chat-Large")).toBe(true);
    expect(compileLikePattern("CHAT%", false).test("chat-Large")).toBe(false);
  });

  it("answers a pattern of many wildcards without backtracking exponentially", () => {
    // As a regular expression, eight of these against this value took over a minute.
    expect(compileLikePattern(`${"%a".repeat(40)}b`, false).test("a".repeat(200))).toBe(false);
  });

  it("makes % and _ literal after a backslash", () => {
    expect(compileLikePattern("a\\_b", false).test("a_b")).toBe(true);
    expect(compileLikePattern("a\\_b", false).test("axb")).toBe(false);
  });
});
