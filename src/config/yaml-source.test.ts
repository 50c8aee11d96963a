import { describe, expect, it } from "vitest";
import { YamlSource } from "./yaml-source.js";

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

const ROUTES = new YamlSource(
  lines(
    "# comment",
    "routes:",
    "  - name: chat",
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    "      config:",
    '        openai_api_key: "$OPENAI_API_KEY"',
    "  - {name: flow, model: {provider: mock}}",
  ),
);

describe("YamlSource: data", () => {
  it("turns the document into plain data", () => {
    expect(ROUTES.syntaxProblems).toEqual([]);
    expect(ROUTES.data).toEqual({
      routes: [
        {
          name: "chat",
          type: "llm/v1/chat",
          model: { provider: "openai", config: { openai_api_key: "$OPENAI_API_KEY" } },
        },
        { name: "flow", model: { provider: "mock" } },
      ],
    });
  });

  it("keeps values that look like dates or versions as YAML 1.2 reads them", () => {
    expect(new YamlSource(lines("a: 2024-06-01", "b: 1.10", "c: yes", "d: ~")).data).toEqual({
      a: "2024-06-01",
      b: 1.1,
      c: "yes",
      d: null,
    });
  });

  it("reads an empty document as null", () => {
    expect(new YamlSource("").data).toBeNull();
  });
});

describe("YamlSource: positionOf", () => {
  it.each([
    { path: [], line: 2, column: 1, what: "the root mapping, after a comment" },
    { path: ["routes"], line: 3, column: 3, what: "a list, at its first item" },
    { path: ["routes", 0], line: 3, column: 5, what: "a list item" },
    { path: ["routes", 0, "name"], line: 3, column: 11, what: "a scalar value" },
    { path: ["routes", 0, "model"], line: 6, column: 7, what: "a nested mapping" },
    { path: ["routes", 0, "model", "config", "openai_api_key"], line: 8, column: 25, what: "a quoted value" },
    { path: ["routes", 1], line: 9, column: 5, what: "a flow mapping" },
    { path: ["routes", 1, "model", "provider"], line: 9, column: 36, what: "a value in a flow mapping" },
  ])("points at the start of $what", ({ path, line, column }) => {
    expect(ROUTES.positionOf(path)).toEqual({ line, column });
  });

  it.each([
    { path: ["routes", 0, "model", "name"], line: 6, column: 7, what: "a missing key at its mapping" },
    { path: ["routes", 0, "model", "config", "a", "b"], line: 8, column: 9, what: "a deeper missing path" },
    { path: ["routes", 5, "name"], line: 3, column: 3, what: "a missing list item at its list" },
    { path: ["nothing", "here"], line: 2, column: 1, what: "a missing top-level key at the root" },
  ])("points $what", ({ path, line, column }) => {
    expect(ROUTES.positionOf(path)).toEqual({ line, column });
  });

  it("points at line 1, column 1 of an empty document", () => {
    expect(new YamlSource("").positionOf(["routes"])).toEqual({ line: 1, column: 1 });
  });

  it("counts lines of a file with Windows line endings", () => {
    const source = new YamlSource("routes:\r\n  - name: chat\r\n    type: llm/v1/chat\r\n");
    expect(source.positionOf(["routes", 0, "type"])).toEqual({ line: 3, column: 11 });
  });

  it("counts columns in characters, not bytes", () => {
    const source = new YamlSource(lines("routes:", "  - name: 'héllo wörld'", "    type: ünïcode"));
    expect(source.positionOf(["routes", 0, "type"])).toEqual({ line: 3, column: 11 });
  });
});

describe("YamlSource: keyPositionOf", () => {
  it.each([
    { path: ["routes"], line: 2, column: 1, what: "a top-level key" },
    { path: ["routes", 0, "type"], line: 4, column: 5, what: "a key in a list item" },
    { path: ["routes", 0, "model", "config", "openai_api_key"], line: 8, column: 9, what: "a nested key" },
    { path: ["routes", 1, "model"], line: 9, column: 18, what: "a key in a flow mapping" },
  ])("points at $what rather than its value", ({ path, line, column }) => {
    expect(ROUTES.keyPositionOf(path)).toEqual({ line, column });
  });

  it("falls back to the value's position when the key is absent", () => {
    expect(ROUTES.keyPositionOf(["routes", 0, "timeout"])).toEqual({ line: 3, column: 5 });
  });

  it("falls back to the value's position when the parent is a list", () => {
    expect(ROUTES.keyPositionOf(["routes", 1])).toEqual({ line: 9, column: 5 });
  });

  it("finds a quoted key", () => {
    const source = new YamlSource(lines("routes: []", '"extra key": 1'));
    expect(source.keyPositionOf(["extra key"])).toEqual({ line: 2, column: 1 });
  });
});

describe("YamlSource: syntax problems", () => {
  it.each([
    {
      what: "a tab used for indentation",
      text: lines("routes:", "  - name: chat", "\ttype: llm/v1/chat"),
      problem: { line: 3, column: 1, message: "Tabs are not allowed as indentation" },
    },
    {
      what: "a duplicate key, at the second and naming it",
      text: lines("routes:", "  - name: a", "    type: llm/v1/chat", "    name: b"),
      problem: {
        line: 4,
        column: 5,
        message: "the key 'name' appears twice in the same mapping; YAML keys must be unique",
      },
    },
    {
      what: "a duplicate quoted top-level key",
      text: lines("routes: []", "'routes': []"),
      problem: {
        line: 2,
        column: 1,
        message: "the key 'routes' appears twice in the same mapping; YAML keys must be unique",
      },
    },
    {
      what: "an unclosed quote",
      text: lines("routes:", '  - name: "chat', "    type: llm/v1/chat"),
      problem: { line: 4, column: 1, message: 'Missing closing "quote' },
    },
    {
      what: "a second document",
      text: lines("routes: []", "---", "routes: []"),
      problem: {
        line: 2,
        column: 1,
        message:
          "the file holds more than one YAML document (separated by '---'); a config is a single document",
      },
    },
    {
      what: "an item indented less than its siblings",
      text: lines("routes:", "  - name: a", "   type: llm/v1/chat"),
      problem: { line: 3, column: 1, message: "Sequence item without - indicator" },
    },
  ])("reports $what with its line and column", ({ text, problem }) => {
    const source = new YamlSource(text);
    expect(source.syntaxProblems[0]).toEqual(problem);
    expect(source.data).toBeUndefined();
  });

  it("reports an unclosed bracket where the parser notices it, after the bracket's line", () => {
    const source = new YamlSource(lines("routes: [", "  {name: chat}", "other: 1"));
    expect(source.syntaxProblems).toEqual([
      {
        line: 3,
        column: 1,
        message: "Flow sequence in block collection must be sufficiently indented and end with a ]",
      },
    ]);
  });

  it("gives one-line messages without quoting the source, which may hold a secret", () => {
    const source = new YamlSource(lines('key: "sk-secret-value', "other: 1"));
    expect(source.syntaxProblems.length).toBeGreaterThan(0);
    for (const problem of source.syntaxProblems) {
      expect(problem.message).not.toContain("\n");
      expect(problem.message).not.toContain("sk-secret-value");
    }
  });
});
