import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";

/**
 * docs/providers.md promises that its YAML works as written: every block parses through the config loader the
 * CLI uses (with each `$VARIABLE` it names set), and its "A route on each provider" block has a route on every
 * provider issue 13 names, under MLflow's names where MLflow has them.
 */
const PAGE = fileURLToPath(new URL("../../docs/providers.md", import.meta.url));
const text = readFileSync(PAGE, "utf8");
const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

/** Every `$NAME` a block reads, set to a key-sized placeholder. */
function environmentFor(yaml: string): NodeJS.ProcessEnv {
  const names = [...yaml.matchAll(/\$([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? "");
  return Object.fromEntries(names.map((name) => [name, `placeholder-${name.toLowerCase()}`]));
}

const NAMED_BY_THE_ISSUE = [
  "mistral",
  "groq",
  "togetherai",
  "fireworks",
  "deepseek",
  "xai",
  "openrouter",
  "ai21labs",
  "databricks",
  "vllm",
  "ollama",
  "lmstudio",
  "llamacpp",
  "huggingface-text-generation-inference",
  "openai-compatible",
  "mlflow-model-serving",
];

describe("docs/providers.md's YAML", () => {
  it("has examples to check", () => {
    expect(blocks.length).toBeGreaterThan(1);
  });

  for (const [index, yaml] of blocks.entries()) {
    it(`block ${index + 1} is a valid config as written`, () => {
      const parsed = parseConfig(yaml, `docs/providers.md#yaml-${index + 1}`, environmentFor(yaml));
      expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    });
  }

  it("has a route on every provider the issue names, in one block", () => {
    const block = blocks.find(
      (yaml) => yaml.includes("provider: mlflow-model-serving") && yaml.includes("xai"),
    );
    expect(block, "the 'A route on each provider' block").toBeDefined();
    const parsed = parseConfig(block ?? "", "docs/providers.md", environmentFor(block ?? ""));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const providers = new Set(parsed.config.routes.flatMap((route) => route.targets.map((t) => t.provider)));
    expect([...providers].sort()).toEqual([...NAMED_BY_THE_ISSUE].sort());
  });
});
