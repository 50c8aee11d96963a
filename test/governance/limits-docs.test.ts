import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";

/** Every YAML example of the limits documentation page loads as it is written (with its variables set). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const markdown = readFileSync(join(ROOT, "docs/limits-and-budgets.md"), "utf8");
const examples = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
const ENV = {
  OPENAI_API_KEY: "sk-docs-example",
  SWITCHYARD_REDIS_URL: "redis://127.0.0.1:6379/0",
  COLLECTOR_AUTHORIZATION: "Bearer docs-example",
};
const A_ROUTE = "routes:\n  - { name: any, type: llm/v1/chat, model: { provider: mock, name: mock-echo } }\n";

describe("docs/limits-and-budgets.md", () => {
  it("has YAML examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((yaml, index) => [index + 1, yaml] as const))(
    "example %i is a valid config",
    (_index, yaml) => {
      const text = yaml.startsWith("routes:") ? yaml : `${A_ROUTE}${yaml}`;
      const parsed = parseConfig(text, join(ROOT, "docs", "example.yaml"), ENV);
      expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    },
  );
});

describe("docs/limits-and-budgets.md, 'Exactness, proven'", () => {
  const section = markdown.slice(markdown.indexOf("## Exactness, proven"));
  const rows = [...section.matchAll(/^\| (\d+) \|.*\| (.*) \|$/gm)];

  it("lists the brief's 16 rows", () => {
    expect(rows.map((row) => Number(row[1]))).toEqual(Array.from({ length: 16 }, (_, index) => index + 1));
  });

  it.each(rows.map((row) => [row[1], row[2] ?? ""] as const))(
    "row %s names tests that exist",
    (_row, proof) => {
      const named = [...proof.matchAll(/`([\w./-]+\.test\.ts)`: ([^;(]+)/g)];
      expect(named.length).toBeGreaterThan(0);
      for (const [, file, title] of named) {
        const path = (file as string).startsWith("test/") ? file : `test/exactness/${file}`;
        const source = readFileSync(join(ROOT, path as string), "utf8");
        expect(source, `${path} has no test "${title}"`).toContain(`it("${(title as string).trim()}`);
      }
    },
  );
});
