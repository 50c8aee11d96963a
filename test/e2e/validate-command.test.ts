import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createConfigDirectory } from "./config-files.js";

const CLI = fileURLToPath(new URL("../../bin/switchyard.js", import.meta.url));

function validate(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, "validate", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("switchyard validate", () => {
  it("exits 0 and lists the routes of a valid file", () => {
    const result = validate(["--config-path", "examples/switchyard.yaml"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("is valid: 3 routes");
    expect(result.stdout).toMatch(/chat\s+llm\/v1\/chat\s+mock\/mock-echo/);
  });

  it("accepts a config with a route on every provider, with MLflow's provider names and keys", () => {
    const keys = [
      "OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "COHERE_API_KEY",
      "MISTRAL_API_KEY",
      "GROQ_API_KEY",
      "TOGETHERAI_API_KEY",
      "FIREWORKS_API_KEY",
      "DEEPSEEK_API_KEY",
      "XAI_API_KEY",
      "OPENROUTER_API_KEY",
      "AI21LABS_API_KEY",
      "DATABRICKS_TOKEN",
      "GEMINI_API_KEY",
    ];
    const result = validate(
      ["--config-path", "examples/providers.yaml"],
      Object.fromEntries(keys.map((key) => [key, `test-${key.toLowerCase()}`])),
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("is valid: 23 routes");
    for (const target of [
      "mistral/mistral-small-latest",
      "togetherai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
      "ai21labs/jamba-mini",
      "huggingface-text-generation-inference/tgi",
      "mlflow-model-serving/my-model",
      "vllm/meta-llama/Llama-3.1-8B-Instruct",
      "ollama/nomic-embed-text",
      "openai-compatible/my-model",
      "gemini/gemini-2.5-flash",
      "vertex_ai/gemini-2.5-flash",
      "bedrock/amazon.nova-pro-v1:0",
    ]) {
      expect(result.stdout).toContain(target);
    }
    // The keys are secrets: validate never prints them.
    expect(result.stdout).not.toContain("test-mistral_api_key");
  });

  it("names the missing setting of a self-hosted provider with its file, line and column", () => {
    const path = join(createConfigDirectory(), "tgi.yaml");
    writeFileSync(
      path,
      "routes:\n  - name: tgi\n    type: llm/v1/completions\n    model: { provider: huggingface-text-generation-inference, config: {} }\n",
    );
    const result = validate(["--config-path", path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/tgi\.yaml:4:\d+: route 'tgi', field model\.config\.hf_server_url: /);
  });

  it("exits 1 and prints every problem with file, line and column", () => {
    const path = join(createConfigDirectory(), "bad.yaml");
    writeFileSync(
      path,
      [
        "routes:",
        "  - name: chat",
        "    type: llm/v1/chat",
        "    model: { provider: openai, name: gpt-4o, config: { openai_api_key: $SWITCHYARD_TEST_UNSET_KEY } }",
        "  - name: chat",
        "    type: llm/v1/embeddings",
        "    model: { provider: anthropic, name: claude, config: { anthropic_api_key: literal-key } }",
        "",
      ].join("\n"),
    );
    const result = validate(["--config-path", path], { SWITCHYARD_TEST_UNSET_KEY: undefined });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${path}:4:`);
    expect(result.stderr).toContain("environment variable 'SWITCHYARD_TEST_UNSET_KEY' is not set");
    expect(result.stderr).toMatch(/bad\.yaml:5:\d+: route 'chat', field name: duplicate route name 'chat'/);
    expect(result.stderr).toMatch(
      /bad\.yaml:7:\d+: route 'chat', field model\.provider: provider 'anthropic' cannot serve llm\/v1\/embeddings routes/,
    );
  });

  it("warns about a budget on a route whose model has no price, naming the route and the model", () => {
    const path = join(createConfigDirectory(), "budgets.yaml");
    writeFileSync(
      path,
      [
        "routes:",
        "  - name: unpriced",
        "    type: llm/v1/chat",
        "    budgets: [{amount_usd: 5, period: day}]",
        "    model: { provider: mock, name: mock-echo }",
        "  - name: priced",
        "    type: llm/v1/chat",
        "    budgets: [{amount_usd: 5, period: day}]",
        "    price: {input_per_mtok: 1, output_per_mtok: 2}",
        "    model: { provider: mock, name: mock-echo }",
        "  - name: unbudgeted",
        "    type: llm/v1/chat",
        "    model: { provider: mock, name: mock-other }",
        "",
      ].join("\n"),
    );
    const result = validate(["--config-path", path]);
    expect(result.status).toBe(0);
    const warnings = result.stdout.split("\n").filter((line) => line.startsWith("warning:"));
    expect(warnings).toEqual([
      "warning: route 'unpriced' has a budget, but its model mock/mock-echo has no price: its calls are not counted by the budgets (unpriced: allow_unmetered); give it a 'price:' on the route or in governance.prices.overrides",
    ]);
  });

  it("reports a duplicate route name with both lines", () => {
    const path = join(createConfigDirectory(), "dup.yaml");
    writeFileSync(
      path,
      "routes:\n  - name: a\n    type: llm/v1/chat\n    model: { provider: mock }\n  - name: a\n    type: llm/v1/chat\n    model: { provider: mock }\n",
    );
    const result = validate(["--config-path", path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /dup\.yaml:5:\d+: route 'a', field name: duplicate route name 'a' \(first defined at line 2, again at line 5\)/,
    );
  });

  it("exits 1 for a missing file", () => {
    const result = validate(["--config-path", "/nonexistent/switchyard.yaml"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("does not exist");
  });

  it("exits 1 with a hint when no config path is given", () => {
    const result = validate([], { SWITCHYARD_CONFIG: undefined, MLFLOW_GATEWAY_CONFIG: undefined });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("--config-path");
  });

  it("reads the path from SWITCHYARD_CONFIG", () => {
    expect(validate([], { SWITCHYARD_CONFIG: "examples/switchyard.yaml" }).status).toBe(0);
  });
});
