import { describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue, formatConfigIssue } from "./config-issue.js";

const FILE = "/etc/switchyard/switchyard.yaml";

describe("formatConfigIssue", () => {
  it.each<{ case: string; issue: ConfigIssue; text: string }>([
    {
      case: "the place, route and field before the message",
      issue: {
        file: FILE,
        line: 12,
        column: 9,
        route: "chat",
        field: "model.provider",
        message: "unknown provider 'x'",
      },
      text: `${FILE}:12:9: route 'chat', field model.provider: unknown provider 'x'`,
    },
    {
      case: "the field alone outside a route",
      issue: { file: FILE, line: 3, column: 1, field: "logging", message: "unknown top-level key 'logging'" },
      text: `${FILE}:3:1: field logging: unknown top-level key 'logging'`,
    },
    {
      case: "the route alone when no field applies",
      issue: { file: FILE, line: 2, column: 5, route: "chat", message: "is broken" },
      text: `${FILE}:2:5: route 'chat': is broken`,
    },
    {
      case: "column 1 when only the line is known",
      issue: { file: FILE, line: 4, message: "YAML syntax error" },
      text: `${FILE}:4:1: YAML syntax error`,
    },
    {
      case: "the file alone when the problem has no place",
      issue: { file: FILE, message: "the file does not exist" },
      text: `${FILE}: the file does not exist`,
    },
  ])("shows $case", ({ issue, text }) => {
    expect(formatConfigIssue(issue)).toBe(text);
  });
});

describe("ConfigError", () => {
  const first: ConfigIssue = { file: FILE, line: 2, column: 11, route: "a b", field: "name", message: "bad" };
  const second: ConfigIssue = { file: FILE, message: "worse" };

  it("is an Error named ConfigError that keeps its issues", () => {
    const error = new ConfigError([first, second]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(error.issues).toEqual([first, second]);
  });

  it("lists every issue, one per indented line, under a count", () => {
    expect(new ConfigError([first, second]).message).toBe(
      [
        "The configuration is invalid (2 problems):",
        `  ${FILE}:2:11: route 'a b', field name: bad`,
        `  ${FILE}: worse`,
      ].join("\n"),
    );
  });

  it("says 'problem' for a single one", () => {
    expect(new ConfigError([second]).message).toBe(
      `The configuration is invalid (1 problem):\n  ${FILE}: worse`,
    );
  });
});
