import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import { RouteTable } from "../../src/routing/route-table.js";
import { UpstreamPools } from "../../src/routing/upstream-pools.js";
import { testServiceAccountJson } from "../mock-upstream/index.js";

/**
 * docs/providers.md promises that its YAML works as written: every block parses through the config loader the
 * CLI uses (with each `$VARIABLE` it names set, and the service-account key file it names present, at a
 * temporary path: /etc is not ours to write) and builds its targets; its "A route on each provider" block has a
 * route on every provider issues 13 and 14 name, under MLflow's names where MLflow has them.
 */
const PAGE = fileURLToPath(new URL("../../docs/providers.md", import.meta.url));
const text = readFileSync(PAGE, "utf8");
const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
const KEY_FILE = "/etc/switchyard/vertex-service-account.json";
const SERVICE_ACCOUNT = testServiceAccountJson("https://oauth2.googleapis.com/token");

/** Every `$NAME` a block reads, set to a key-sized placeholder (a service-account key for Vertex AI's). */
function environmentFor(yaml: string): NodeJS.ProcessEnv {
  const names = [...yaml.matchAll(/\$([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? "");
  return Object.fromEntries(
    names.map((name) => [
      name,
      name === "VERTEX_CREDENTIALS" ? SERVICE_ACCOUNT : `placeholder-${name.toLowerCase()}`,
    ]),
  );
}

const IN_THE_ALL_PROVIDERS_BLOCK = [
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
  "gemini",
  "vertex_ai",
  "bedrock",
];

let directory: string;
let keyFile: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "switchyard-docs-"));
  keyFile = join(directory, "vertex-service-account.json");
  await writeFile(keyFile, SERVICE_ACCOUNT);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("docs/providers.md's YAML", () => {
  it("has examples to check, Gemini, Vertex AI and Bedrock (under both names) among them", () => {
    expect(blocks.length).toBeGreaterThan(1);
    const all = blocks.join("\n");
    for (const provider of ["gemini", "vertex_ai", "bedrock", "amazon-bedrock"]) {
      expect(all).toMatch(new RegExp(`provider: ${provider}[,\\n]`));
    }
  });

  for (const [index, yaml] of blocks.entries()) {
    it(`block ${index + 1} is a valid config as written and builds its targets`, async () => {
      const parsed = parseConfig(
        yaml.replaceAll(KEY_FILE, keyFile),
        join(directory, `yaml-${index + 1}.yaml`),
        environmentFor(yaml),
      );
      expect(parsed.ok ? [] : parsed.issues).toEqual([]);
      if (!parsed.ok) return;
      const table = await RouteTable.build(parsed.config, new UpstreamPools());
      expect(table.routes.map((route) => route.name)).toEqual(
        parsed.config.routes.map((route) => route.name),
      );
      table.retire();
    });
  }

  it("has a route on every provider the issues name, in one block", () => {
    const block = blocks.find(
      (yaml) => yaml.includes("provider: mlflow-model-serving") && yaml.includes("xai"),
    );
    expect(block, "the 'A route on each provider' block").toBeDefined();
    const parsed = parseConfig(block ?? "", "docs/providers.md", environmentFor(block ?? ""));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const providers = new Set(parsed.config.routes.flatMap((route) => route.targets.map((t) => t.provider)));
    expect([...providers].sort()).toEqual([...IN_THE_ALL_PROVIDERS_BLOCK].sort());
  });
});
