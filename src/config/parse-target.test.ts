import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerNames } from "../providers/registry.js";
import { type ConfigIssue, formatConfigIssue } from "./config-issue.js";
import type { GatewayConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const ALL_PROVIDERS = providerNames().join(", ");
const OPENAI_KEYS =
  "openai_api_key, openai_api_type, openai_api_base, openai_api_version, openai_deployment_name, openai_organization";

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

/** A chat route whose first target is a valid mock and whose second target, from line 6, is the given lines. */
function secondTarget(...targetLines: string[]): string {
  return lines(
    "routes:",
    "  - name: r",
    "    type: llm/v1/chat",
    "    targets:",
    "      - provider: mock",
    ...targetLines,
  );
}

function configOf(text: string, env: NodeJS.ProcessEnv = {}, file = FILE): GatewayConfig {
  const result = parseConfig(text, file, env);
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config;
}

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}, file = FILE): ConfigIssue[] {
  const result = parseConfig(text, file, env);
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues;
}

/** The problems as `line:column field: message`, compact enough for a table. */
function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  return issuesOf(text, env).map((issue) => `${issue.line}:${issue.column} ${issue.field}: ${issue.message}`);
}

describe("parseTarget: each entry of `targets` is checked like `model:`, at targets.N", () => {
  it.each([
    {
      case: "an unknown provider in the second target, listing the supported ones",
      target: ["      - provider: openia", "        name: gpt-4o"],
      problem: `6:19 targets.1.provider: unknown provider 'openia'; supported providers: ${ALL_PROVIDERS}`,
    },
    {
      case: "a target without a provider, at the target",
      target: ["      - name: gpt-4o"],
      problem: `6:9 targets.1.provider: is required; supported providers: ${ALL_PROVIDERS}`,
    },
    {
      case: "an empty provider",
      target: ['      - provider: ""'],
      problem: `6:19 targets.1.provider: must be at least 1 character long (got ""); supported providers: ${ALL_PROVIDERS}`,
    },
    {
      case: "a missing model name for a provider without a default, at the target",
      target: ["      - provider: cohere", "        config: {cohere_api_key: co-test}"],
      problem:
        "6:9 targets.1.name: is required for provider 'cohere' (the upstream model, e.g. the provider's model id)",
    },
    {
      case: "a provider config that is not a mapping",
      target: ["      - provider: mock", "        config: 8"],
      problem: "7:17 targets.1.config: must be an object (got a number)",
    },
    {
      case: "an invalid provider setting, at its value",
      target: [
        "      - provider: openai",
        "        name: gpt-4o",
        "        config:",
        "          openai_api_key: sk-test",
        "          openai_api_type: aws",
      ],
      problem: '10:28 targets.1.config.openai_api_type: must be one of: "openai", "azure", "azuread"',
    },
    {
      case: "an unknown provider setting, at the key, listing the provider's keys",
      target: [
        "      - provider: openai",
        "        name: gpt-4o",
        "        config:",
        "          openai_api_key: sk-test",
        "          openai_api_verison: 2024-06-01",
      ],
      problem: `10:11 targets.1.config.openai_api_verison: unknown key 'openai_api_verison' for provider 'openai'; allowed: ${OPENAI_KEYS}`,
    },
    {
      case: "an unset environment variable, at its value",
      target: [
        "      - provider: openai",
        "        name: gpt-4o",
        "        config:",
        "          openai_api_key: $OPENAI_API_KEY",
      ],
      problem: "9:27 targets.1.config.openai_api_key: environment variable 'OPENAI_API_KEY' is not set",
    },
    {
      case: "an unknown key in a target, listing the keys a target takes",
      target: ["      - provider: mock", "        colour: red"],
      problem:
        "7:9 targets.1.colour: unknown key 'colour'; allowed: provider, name, config, weight, timeouts, price",
    },
    {
      case: "an unknown key in a target's timeouts, listing the timeout keys",
      target: ["      - provider: mock", "        timeouts:", "          first_byte: 5"],
      problem:
        "8:11 targets.1.timeouts.first_byte: unknown key 'first_byte'; allowed: first_byte_seconds, idle_seconds, total_seconds",
    },
    {
      case: "a target's timeout of 0",
      target: ["      - provider: mock", "        timeouts:", "          total_seconds: 0"],
      problem: "8:26 targets.1.timeouts.total_seconds: must be greater than 0 (got 0)",
    },
  ])("rejects $case", ({ target, problem }) => {
    expect(problemsOf(secondTarget(...target))).toEqual([problem]);
  });

  it("rejects a target whose provider cannot serve the route's type, listing the types it serves", () => {
    const text = lines(
      "routes:",
      "  - name: embed",
      "    type: llm/v1/embeddings",
      "    targets:",
      "      - provider: mock",
      "      - provider: anthropic",
      "        name: claude-sonnet-4-5",
      "        config: {anthropic_api_key: sk-ant-test}",
    );
    expect(problemsOf(text)).toEqual([
      "6:19 targets.1.provider: provider 'anthropic' cannot serve llm/v1/embeddings routes; it serves: llm/v1/chat, llm/v1/completions",
    ]);
  });

  it("reports a problem in every target, not only the first", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    targets:",
      "      - provider: openia",
      "      - provider: mock",
      "      - provider: cohere",
      "        config: {cohere_api_key: co-test}",
    );
    expect(problemsOf(text).map((problem) => problem.split(": ")[0])).toEqual([
      "5:19 targets.0.provider",
      "7:9 targets.2.name",
    ]);
  });

  it("reports a problem of the route beside a problem of a target", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chats",
      "    targets:",
      "      - provider: openia",
    );
    expect(problemsOf(text).map((problem) => problem.split(": ")[0])).toEqual([
      "3:11 type",
      "5:19 targets.0.provider",
    ]);
  });
});

describe("parseTarget: secrets are resolved for each target", () => {
  const SECRET = "sk-SWITCHYARD-TEST-SECRET-7d2e01b9c4";
  let directory: string;
  let file: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "switchyard-parse-target-"));
    file = join(directory, "switchyard.yaml");
    writeFileSync(join(directory, "third.key"), "sk-from-file\n");
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const openaiTargets = (...keys: string[]) =>
    lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    targets:",
      ...keys.flatMap((key, index) => [
        "      - provider: openai",
        `        name: model-${index}`,
        "        config:",
        `          openai_api_key: ${key}`,
      ]),
    );

  it("resolves each target's key from its own reference", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax, not a template.
    const text = openaiTargets("$KEY_A", "${KEY_B}", "./third.key", "sk-literal");
    const config = configOf(text, { KEY_A: "sk-aaa1", KEY_B: "sk-bbb2" }, file);
    expect(config.routes[0]?.targets.map((target) => target.config.openai_api_key)).toEqual([
      "sk-aaa1",
      "sk-bbb2",
      "sk-from-file",
      "sk-literal",
    ]);
  });

  it("rejects the one target whose variable is unset, at its line", () => {
    const issues = issuesOf(openaiTargets("$KEY_A", "$KEY_B"), { KEY_A: "sk-aaa1" }, file);
    expect(issues).toEqual([
      {
        file,
        line: 12,
        column: 27,
        route: "r",
        field: "targets.1.config.openai_api_key",
        message: "environment variable 'KEY_B' is not set",
      },
    ]);
  });

  it("refuses a secret too short to be redacted from responses, without showing it", () => {
    const issues = issuesOf(openaiTargets("$KEY_A", "abcde"), { KEY_A: "sk-aaa1" }, file);
    expect(issues).toEqual([
      expect.objectContaining({
        line: 12,
        field: "targets.1.config.openai_api_key",
        message: expect.stringMatching(/^is 5 characters long; a secret needs at least 6: /),
      }),
    ]);
    expect(JSON.stringify(issues)).not.toContain("abcde");
    expect(configOf(openaiTargets("abcdef")).routes[0]?.targets[0]?.config.openai_api_key).toBe("abcdef");
  });

  it.each([
    { case: "beside an invalid API type", config: [`openai_api_key: ${SECRET}`, "openai_api_type: aws"] },
    { case: "given as a list", config: [`openai_api_key: [${SECRET}]`] },
    { case: "under a misspelt name", config: [`openai_api_kee: ${SECRET}`] },
    { case: "in the base URL's place", config: ["openai_api_key: sk-other", `openai_api_base: ${SECRET}`] },
  ])("hides a key in the second target $case", ({ config }) => {
    const text = secondTarget(
      "      - provider: openai",
      "        name: gpt-4o",
      "        config:",
      ...config.map((line) => `          ${line}`),
    );
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map(formatConfigIssue).join("\n")).not.toContain(SECRET);
    expect(JSON.stringify(issues)).not.toContain(SECRET);
  });
});
