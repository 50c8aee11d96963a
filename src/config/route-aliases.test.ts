import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./config-issue.js";
import { parseConfig } from "./parse-config.js";

const FILE = "/srv/switchyard/switchyard.yaml";

function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

function problems(text: string): string[] {
  const result = parseConfig(text, FILE, {});
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.issues.map(formatConfigIssue);
}

const route = (name: string, ...aliases: string[]) => [
  `  - name: ${name}`,
  "    type: llm/v1/chat",
  "    model: {provider: mock}",
  ...(aliases.length === 0 ? [] : ["    aliases:", ...aliases.map((alias) => `      - ${alias}`)]),
];

describe("parseConfig: route aliases", () => {
  it("keeps a route's aliases, which may hold the characters of provider model ids", () => {
    const result = parseConfig(
      lines("routes:", ...route("claude", "claude-sonnet-4-5", "anthropic/claude-opus-4.1@2025:latest")),
      FILE,
      {},
    );
    expect(result.ok && result.config.routes[0]?.aliases).toEqual([
      "claude-sonnet-4-5",
      "anthropic/claude-opus-4.1@2025:latest",
    ]);
  });

  it("leaves aliases out of a route that declares none", () => {
    const result = parseConfig(lines("routes:", ...route("chat")), FILE, {});
    expect(result.ok && "aliases" in (result.config.routes[0] ?? {})).toBe(false);
  });

  it("rejects an alias that is another route's name, at the alias, naming the route and its line", () => {
    expect(problems(lines("routes:", ...route("gpt-5"), ...route("codex", "gpt-5")))).toEqual([
      `${FILE}:9:9: route 'codex', field aliases.0: alias 'gpt-5' is already the name of route 'gpt-5' (line 2); a model name can select only one route`,
    ]);
  });

  it("rejects an alias that another route already declares", () => {
    expect(
      problems(lines("routes:", ...route("a", "claude-sonnet-4-5"), ...route("b", "x", "claude-sonnet-4-5"))),
    ).toEqual([
      `${FILE}:12:9: route 'b', field aliases.1: alias 'claude-sonnet-4-5' is already an alias of route 'a' (line 6); a model name can select only one route`,
    ]);
  });

  it("rejects an alias repeated within one route, and a route's own name as its alias", () => {
    expect(problems(lines("routes:", ...route("a", "a", "x", "x")))).toEqual([
      `${FILE}:6:9: route 'a', field aliases.0: alias 'a' is already the name of this route (line 2); a model name can select only one route`,
      `${FILE}:8:9: route 'a', field aliases.2: alias 'x' is already an alias of this route (line 7); a model name can select only one route`,
    ]);
  });

  it("rejects an alias with a space or an empty one", () => {
    const text = lines("routes:", ...route("a"), '    aliases: ["gpt 5", ""]');
    expect(problems(text)).toEqual([
      `${FILE}:5:15: route 'a', field aliases.0: may not contain spaces or control characters`,
      `${FILE}:5:24: route 'a', field aliases.1: must be at least 1 character long (got "")`,
    ]);
  });
});
