import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_TYPES } from "../canonical/index.js";
import { EMBED_INPUT_TYPES } from "../dialects/cohere/embeddings.js";
import { providerNames } from "../providers/registry.js";
import { ConfigError, type ConfigIssue, formatConfigIssue } from "./config-issue.js";
import { DEFAULT_CONSOLE_SETTINGS } from "./console-settings.js";
import type { GatewayConfig, RouteConfig, TargetConfig } from "./gateway-config.js";
import { defaultGovernanceConfig } from "./governance/governance-config.js";
import { parseConfig } from "./parse-config.js";
import { DEFAULT_CIRCUIT_BREAKER, DEFAULT_RETRIES } from "./resilience-settings.js";
import { DEFAULT_RESPONSES_SETTINGS } from "./responses-settings.js";
import { routeEntrySchema } from "./route-entry-schema.js";
import { DEFAULT_ROUTE_GOVERNANCE } from "./route-governance.js";
import { DEFAULT_UPSTREAM_TIMEOUTS } from "./route-timeouts.js";
import { DEFAULT_SERVER_SETTINGS } from "./server-settings.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const ALL_ROUTE_TYPES = ROUTE_TYPES.join(", ");
const ALL_PROVIDERS = providerNames().join(", ");
const ROUTE_KEYS = Object.keys(routeEntrySchema.shape).join(", ");
const OPENAI_KEYS =
  "openai_api_key, openai_api_type, openai_api_base, openai_api_version, openai_deployment_name, openai_organization";
const MISSING_MODEL = "is required (or 'targets', a list of several models)";
const AZURE_REQUIRED = (type: string) =>
  `is required when openai_api_type is '${type}' (Azure OpenAI needs openai_api_base, openai_deployment_name and openai_api_version)`;

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}, file = FILE): ConfigIssue[] {
  const result = parseConfig(text, file, env);
  if (result.ok) throw new Error(`expected the config to be rejected, got ${JSON.stringify(result.config)}`);
  return result.issues;
}

function configOf(text: string, env: NodeJS.ProcessEnv = {}, file = FILE): GatewayConfig {
  const result = parseConfig(text, file, env);
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config;
}

/** One chat route whose `model:` block is the given lines (each indented under `model:` by the caller). */
function routeWithModel(...modelLines: string[]): string {
  return lines("routes:", "  - name: r", "    type: llm/v1/chat", "    model:", ...modelLines);
}

/** One openai chat route whose `config:` block holds the given lines, starting at line 8. */
function openaiRoute(...configLines: string[]): string {
  return routeWithModel("      provider: openai", "      name: gpt-4o", "      config:", ...configLines);
}

/** A target as a route's `model:` gives it: weight 1 and the default timeouts. */
function target(provider: string, model: string, config: Record<string, unknown>): TargetConfig {
  return { provider, model, config, weight: 1, timeouts: DEFAULT_UPSTREAM_TIMEOUTS, price: null };
}

/** A route as parsed when it sets no strategy, retries, circuit breaker or in-flight limit. */
function withDefaults(route: Pick<RouteConfig, "name" | "type" | "targets">): RouteConfig {
  return {
    strategy: "fallback",
    retries: DEFAULT_RETRIES,
    circuitBreaker: DEFAULT_CIRCUIT_BREAKER,
    maxInFlight: null,
    governance: DEFAULT_ROUTE_GOVERNANCE,
    ...route,
  };
}

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

describe("parseConfig: the top level of the file", () => {
  it("accepts an empty route list", () => {
    expect(configOf(lines("routes: []"))).toEqual({
      routes: [],
      server: DEFAULT_SERVER_SETTINGS,
      governance: defaultGovernanceConfig("/srv/switchyard"),
      console: DEFAULT_CONSOLE_SETTINGS,
      responses: DEFAULT_RESPONSES_SETTINGS,
    });
  });

  it("reads the routes from `endpoints`, MLflow's later name for the list", () => {
    const config = configOf(
      lines("endpoints:", "  - name: chat", "    type: llm/v1/chat", "    model:", "      provider: mock"),
    );
    expect(config.routes.map((route) => route.name)).toEqual(["chat"]);
  });

  it.each([
    {
      case: "an empty file",
      text: "",
      issue: {
        line: 1,
        column: 1,
        message: "the file is empty; it needs a 'routes' list (it may be empty: routes: [])",
      },
    },
    {
      case: "a file of comments only",
      text: lines("# routes will come later"),
      issue: {
        line: 1,
        column: 1,
        message: "the file is empty; it needs a 'routes' list (it may be empty: routes: [])",
      },
    },
    {
      case: "a file that is a list",
      text: lines("- name: chat", "  type: llm/v1/chat"),
      issue: {
        line: 1,
        column: 1,
        message: "the file must be a mapping with a 'routes' list at the top (found a list)",
      },
    },
    {
      case: "a file that is a single word",
      text: lines("routes"),
      issue: {
        line: 1,
        column: 1,
        message: "the file must be a mapping with a 'routes' list at the top (found a string)",
      },
    },
    {
      case: "a 'routes' key with no value",
      text: lines("# comment", "routes:"),
      issue: {
        line: 2,
        column: 1,
        field: "routes",
        message: "'routes' has no value; list the routes under it (or write routes: [] for none)",
      },
    },
    {
      case: "an 'endpoints' key with no value",
      text: lines("endpoints:"),
      issue: {
        line: 1,
        column: 1,
        field: "endpoints",
        message: "'endpoints' has no value; list the routes under it (or write endpoints: [] for none)",
      },
    },
    {
      case: "routes written as a mapping",
      text: lines("routes:", "  chat:", "    type: llm/v1/chat"),
      issue: { line: 2, column: 3, field: "routes", message: "must be a list of routes (found a mapping)" },
    },
  ])("rejects $case", ({ text, issue }) => {
    expect(issuesOf(text)).toEqual([{ file: FILE, ...issue }]);
  });

  it("rejects an unknown top-level key at the key, listing the allowed ones", () => {
    expect(issuesOf(lines("routes: []", "", "  # a comment", "logging: debug"))).toEqual([
      {
        file: FILE,
        line: 4,
        column: 1,
        field: "logging",
        message:
          "unknown top-level key 'logging'; allowed: routes, endpoints, server, governance, console, responses",
      },
    ]);
  });

  it("rejects a file with both `routes` and `endpoints`, at the second, naming the line of the first", () => {
    expect(issuesOf(lines("routes: []", "", "endpoints: []"))).toEqual([
      {
        file: FILE,
        line: 3,
        column: 1,
        field: "endpoints",
        message:
          "both 'routes' (line 1) and 'endpoints' are present; they are the same list, so use one of them",
      },
    ]);
  });

  it("reports a misspelt list key both as unknown and as a missing route list", () => {
    expect(issuesOf(lines("endpoint: []"))).toEqual([
      {
        file: FILE,
        line: 1,
        column: 1,
        field: "endpoint",
        message:
          "unknown top-level key 'endpoint'; allowed: routes, endpoints, server, governance, console, responses",
      },
      {
        file: FILE,
        line: 1,
        column: 1,
        field: "routes",
        message: "the file needs a 'routes' list (it may be empty: routes: [])",
      },
    ]);
  });
});

describe("parseConfig: YAML syntax", () => {
  it.each([
    {
      case: "a tab used for indentation",
      text: lines("routes:", "\t- name: chat"),
      line: 2,
      column: 1,
      message: "YAML syntax error: Tabs are not allowed as indentation",
    },
    {
      case: "an unclosed bracket, where the parser notices it",
      text: lines("routes: [", "  {name: chat, type: llm/v1/chat", "other: 1"),
      line: 3,
      column: 1,
      message: expect.stringContaining("YAML syntax error: Flow"),
    },
    {
      case: "a key given twice in one route, at the second",
      text: lines("routes:", "  - name: a", "    type: llm/v1/chat", "    name: b"),
      line: 4,
      column: 5,
      message:
        "YAML syntax error: the key 'name' appears twice in the same mapping; YAML keys must be unique",
    },
    {
      case: "two YAML documents",
      text: lines("routes: []", "---", "routes: []"),
      line: 2,
      column: 1,
      message:
        "YAML syntax error: the file holds more than one YAML document (separated by '---'); a config is a single document",
    },
  ])("rejects $case with its line and column", ({ text, line, column, message }) => {
    const issues = issuesOf(text);
    expect(issues[0]).toEqual({ file: FILE, line, column, message });
  });

  it("reports syntax errors alone, without guessing at the meaning of a broken file", () => {
    const issues = issuesOf(lines("routes:", "  - name: chat", "    name: chat", "logging: debug"));
    expect(issues.map((issue) => issue.message)).toEqual([
      "YAML syntax error: the key 'name' appears twice in the same mapping; YAML keys must be unique",
    ]);
  });
});

describe("parseConfig: a route's type", () => {
  it.each(["type", "route_type", "endpoint_type"])("accepts the type under `%s`", (key) => {
    const config = configOf(
      lines("routes:", "  - name: r", `    ${key}: llm/v1/embeddings`, "    model:", "      provider: mock"),
    );
    expect(config.routes[0]?.type).toBe("llm/v1/embeddings");
  });

  it("accepts the same type written under two of its names", () => {
    const config = configOf(
      lines(
        "routes:",
        "  - name: r",
        "    type: llm/v1/chat",
        "    route_type: llm/v1/chat",
        "    model:",
        "      provider: mock",
      ),
    );
    expect(config.routes[0]?.type).toBe("llm/v1/chat");
  });

  it("rejects two different types under two of its names, at the second, naming both values", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    route_type: llm/v1/chat",
      "    endpoint_type: llm/v1/embeddings",
      "    model:",
      "      provider: mock",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 4,
        column: 20,
        route: "r",
        field: "endpoint_type",
        message:
          "is 'llm/v1/embeddings' but route_type is 'llm/v1/chat'; type, route_type and endpoint_type are one setting, so give it once",
      },
    ]);
  });

  it("rejects a route without a type at the route, listing the route types", () => {
    expect(issuesOf(lines("routes:", "  - name: r", "    model:", "      provider: mock"))).toEqual([
      {
        file: FILE,
        line: 2,
        column: 5,
        route: "r",
        field: "type",
        message: `is required (one of: ${ALL_ROUTE_TYPES})`,
      },
    ]);
  });

  it("rejects an unsupported type at its value, listing the route types", () => {
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chats",
      "    model:",
      "      provider: mock",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 3,
        column: 11,
        route: "r",
        field: "type",
        message: `unsupported route type 'llm/v1/chats'; allowed: ${ALL_ROUTE_TYPES}`,
      },
    ]);
  });
});

describe("parseConfig: the shape of a route", () => {
  it("rejects an unknown route key at the key, listing the allowed keys", () => {
    expect(ROUTE_KEYS).toMatch(/^name, type, route_type, endpoint_type, model\b/);
    const text = lines(
      "routes:",
      "  - name: r",
      "    type: llm/v1/chat",
      "    model:",
      "      provider: mock",
      "    timeout: 30",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 6,
        column: 5,
        route: "r",
        field: "timeout",
        message: `unknown key 'timeout'; allowed: ${ROUTE_KEYS}`,
      },
    ]);
  });

  it("rejects an unknown key under `model` at the key, listing the allowed keys", () => {
    expect(issuesOf(routeWithModel("      provider: mock", "      temperature: 0.2"))).toEqual([
      {
        file: FILE,
        line: 6,
        column: 7,
        route: "r",
        field: "model.temperature",
        message: "unknown key 'temperature'; allowed: provider, name, config",
      },
    ]);
  });

  it("rejects a route that is not a mapping, naming its place in the list", () => {
    expect(issuesOf(lines("routes:", "  - chat"))).toEqual([
      {
        file: FILE,
        line: 2,
        column: 5,
        field: "routes[0]",
        message: "must be an object (got a string)",
      },
    ]);
  });

  it("rejects a route without `model` at the route, mentioning `targets`", () => {
    expect(issuesOf(lines("routes:", "  - name: r", "    type: llm/v1/chat"))).toEqual([
      { file: FILE, line: 2, column: 5, route: "r", field: "model", message: MISSING_MODEL },
    ]);
  });

  it("rejects a model without a provider at the model, listing the supported providers", () => {
    expect(issuesOf(routeWithModel("      name: gpt-4o"))).toEqual([
      {
        file: FILE,
        line: 5,
        column: 7,
        route: "r",
        field: "model.provider",
        message: `is required; supported providers: ${ALL_PROVIDERS}`,
      },
    ]);
  });

  it("rejects a provider config that is not a mapping", () => {
    expect(issuesOf(routeWithModel("      provider: mock", "      config: 8"))).toEqual([
      {
        file: FILE,
        line: 6,
        column: 15,
        route: "r",
        field: "model.config",
        message: "must be an object (got a number)",
      },
    ]);
  });
});

describe("parseConfig: route names", () => {
  const named = (name: string) =>
    lines("routes:", `  - name: ${name}`, "    type: llm/v1/chat", "    model:", "      provider: mock");

  it.each(["a.b-c_D9", "chat", "9", "v1.2", "gpt-4o_mini.v2"])("accepts the name %j", (name) => {
    expect(configOf(named(JSON.stringify(name))).routes[0]?.name).toBe(name);
  });

  const NAME_RULE = "may only contain letters, digits, '_', '-' and '.' (it becomes part of the URL)";
  it.each([
    { name: "Space Name", message: `${NAME_RULE}; got "Space Name"` },
    { name: "bang!name", message: `${NAME_RULE}; got "bang!name"` },
    { name: "a/b", message: `${NAME_RULE}; got "a/b"` },
    { name: "ünïcode", message: `${NAME_RULE}; got "ünïcode"` },
    { name: "", message: "must not be empty (it becomes part of the URL)" },
    { name: ".", message: "cannot be '.' or '..' (it becomes part of the URL)" },
    { name: "..", message: "cannot be '.' or '..' (it becomes part of the URL)" },
  ])("rejects the name $name at its value, saying which characters are allowed", ({ name, message }) => {
    expect(issuesOf(named(JSON.stringify(name)))).toEqual([
      { file: FILE, line: 2, column: 11, route: name, field: "name", message },
    ]);
  });

  it("rejects a name that is not a string", () => {
    expect(issuesOf(named("[chat]"))).toEqual([
      { file: FILE, line: 2, column: 11, field: "name", message: "must be a string (got a list)" },
    ]);
  });

  it("rejects a duplicate name at the second route, giving the lines of both", () => {
    const text = lines(
      "routes:",
      "  - name: chat",
      "    type: llm/v1/chat",
      "    model: {provider: mock}",
      "  - name: other",
      "    type: llm/v1/chat",
      "    model: {provider: mock}",
      "  - name: chat",
      "    type: llm/v1/completions",
      "    model: {provider: mock}",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 8,
        column: 11,
        route: "chat",
        field: "name",
        message:
          "duplicate route name 'chat' (first defined at line 2, again at line 8); route names must be unique",
      },
    ]);
  });

  it("compares every later duplicate with the first", () => {
    const route = (name: string) => [
      `  - name: ${name}`,
      "    type: llm/v1/chat",
      "    model: {provider: mock}",
    ];
    const text = lines("routes:", ...route("x"), ...route("x"), ...route("x"));
    expect(issuesOf(text).map((issue) => [issue.line, issue.message])).toEqual([
      [5, "duplicate route name 'x' (first defined at line 2, again at line 5); route names must be unique"],
      [8, "duplicate route name 'x' (first defined at line 2, again at line 8); route names must be unique"],
    ]);
  });
});

describe("parseConfig: providers", () => {
  it.each([
    ["openai", "openai"],
    ["OpenAI", "openai"],
    ["ANTHROPIC", "anthropic"],
    ["Cohere", "cohere"],
    ["MoCk", "mock"],
  ])("matches the provider name %s case-insensitively, storing %s", (written, canonical) => {
    const keyName = `${canonical}_api_key`;
    const config = configOf(
      routeWithModel(
        `      provider: ${written}`,
        "      name: some-model",
        ...(canonical === "mock" ? [] : ["      config:", `        ${keyName}: sk-test`]),
      ),
    );
    expect(config.routes[0]?.targets[0]?.provider).toBe(canonical);
  });

  it("rejects an unknown provider at its value, listing every supported provider", () => {
    expect(providerNames()).toEqual(expect.arrayContaining(["openai", "anthropic", "cohere", "mock"]));
    expect(issuesOf(routeWithModel("      provider: openia", "      name: gpt-4o"))).toEqual([
      {
        file: FILE,
        line: 5,
        column: 17,
        route: "r",
        field: "model.provider",
        message: `unknown provider 'openia'; supported providers: ${ALL_PROVIDERS}`,
      },
    ]);
  });

  it("rejects at load a route type that the provider cannot serve, listing the types it serves", () => {
    const text = lines(
      "routes:",
      "  - name: embed",
      "    type: llm/v1/embeddings",
      "    model:",
      "      provider: anthropic",
      "      name: claude-sonnet-4-5",
      "      config:",
      "        anthropic_api_key: sk-ant-test",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 5,
        column: 17,
        route: "embed",
        field: "model.provider",
        message:
          "provider 'anthropic' cannot serve llm/v1/embeddings routes; it serves: llm/v1/chat, llm/v1/completions",
      },
    ]);
  });

  it("requires a model name for a provider that has no default", () => {
    expect(
      issuesOf(routeWithModel("      provider: cohere", "      config: {cohere_api_key: co-key-1}")),
    ).toEqual([
      {
        file: FILE,
        line: 5,
        column: 7,
        route: "r",
        field: "model.name",
        message: "is required for provider 'cohere' (the upstream model, e.g. the provider's model id)",
      },
    ]);
  });

  it("reads a file with every provider, route type, type key and secret form", () => {
    const config = configOf(fixture("every-provider.yaml"), {
      OPENAI_API_KEY: "sk-openai-from-env",
      COHERE_API_KEY: "co-from-env",
    });
    expect(config).toEqual({
      server: DEFAULT_SERVER_SETTINGS,
      governance: defaultGovernanceConfig("/srv/switchyard"),
      console: DEFAULT_CONSOLE_SETTINGS,
      responses: DEFAULT_RESPONSES_SETTINGS,
      routes: [
        withDefaults({
          name: "chat",
          type: "llm/v1/chat",
          targets: [
            target("openai", "gpt-4o-mini", {
              openai_api_key: "sk-openai-from-env",
              openai_api_type: "openai",
            }),
          ],
        }),
        withDefaults({
          name: "completions.claude",
          type: "llm/v1/completions",
          targets: [
            target("anthropic", "claude-sonnet-4-5", {
              anthropic_api_key: "sk-ant-literal",
              anthropic_api_base: "https://api.anthropic.com/v1",
              anthropic_version: "2023-06-01",
              default_max_tokens: 4096,
            }),
          ],
        }),
        withDefaults({
          name: "embeddings-cohere",
          type: "llm/v1/embeddings",
          targets: [
            target("cohere", "embed-english-v3.0", {
              cohere_api_key: "co-from-env",
              cohere_api_base: "https://api.cohere.com",
              embedding_input_type: "search_query",
            }),
          ],
        }),
        withDefaults({
          name: "azure_chat",
          type: "llm/v1/chat",
          targets: [
            target("openai", "gpt-4o", {
              openai_api_key: "sk-openai-from-env",
              openai_api_type: "azure",
              openai_api_base: "https://example.openai.azure.com",
              openai_deployment_name: "gpt-4o-prod",
              openai_api_version: "2024-06-01",
            }),
          ],
        }),
        withDefaults({
          name: "mock-embeddings",
          type: "llm/v1/embeddings",
          targets: [target("mock", "mock-echo", { embedding_dimensions: 8, latency_ms: 0 })],
        }),
      ],
    });
  });
});

describe("parseConfig: the mock provider's config", () => {
  it("needs no model name and no config, defaulting to 8 embedding dimensions and no latency", () => {
    expect(configOf(routeWithModel("      provider: mock")).routes[0]?.targets).toEqual([
      target("mock", "mock-echo", { embedding_dimensions: 8, latency_ms: 0 }),
    ]);
  });

  it("keeps a model name and settings that are given", () => {
    const text = routeWithModel(
      "      provider: mock",
      "      name: my-mock",
      "      config:",
      "        embedding_dimensions: 1536",
      "        latency_ms: 25",
    );
    expect(configOf(text).routes[0]?.targets).toEqual([
      target("mock", "my-mock", { embedding_dimensions: 1536, latency_ms: 25 }),
    ]);
  });

  it.each([
    { value: "0", message: "must be at least 1" },
    { value: "8193", message: "must be at most 8192" },
    { value: "1.5", message: "must be an integer (got a number)" },
    { value: "eight", message: "must be a number (got a string)" },
  ])("rejects embedding_dimensions: $value at the value", ({ value, message }) => {
    const text = routeWithModel(
      "      provider: mock",
      "      config:",
      `        embedding_dimensions: ${value}`,
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 7,
        column: 31,
        route: "r",
        field: "model.config.embedding_dimensions",
        message,
      },
    ]);
  });

  it("rejects an unknown key, listing the allowed ones", () => {
    const text = routeWithModel("      provider: mock", "      config:", "        dimensions: 4");
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 7,
        column: 9,
        route: "r",
        field: "model.config.dimensions",
        message: "unknown key 'dimensions' for provider 'mock'; allowed: embedding_dimensions, latency_ms",
      },
    ]);
  });
});

describe("parseConfig: the anthropic and cohere providers' configs", () => {
  it("fills in anthropic's defaults", () => {
    const text = routeWithModel(
      "      provider: anthropic",
      "      name: claude-sonnet-4-5",
      "      config:",
      "        anthropic_api_key: sk-ant-test",
    );
    expect(configOf(text).routes[0]?.targets[0]?.config).toEqual({
      anthropic_api_key: "sk-ant-test",
      anthropic_api_base: "https://api.anthropic.com/v1",
      anthropic_version: "2023-06-01",
      default_max_tokens: 4096,
    });
  });

  it("fills in cohere's defaults", () => {
    const text = routeWithModel(
      "      provider: cohere",
      "      name: command-a-03-2025",
      "      config:",
      "        cohere_api_key: co-test",
    );
    expect(configOf(text).routes[0]?.targets[0]?.config).toEqual({
      cohere_api_key: "co-test",
      cohere_api_base: "https://api.cohere.com",
      embedding_input_type: "search_document",
    });
  });

  it.each([
    { provider: "anthropic", key: "anthropic_api_key" },
    { provider: "cohere", key: "cohere_api_key" },
  ])("requires $key, pointing at the config that lacks it", ({ provider, key }) => {
    const text = routeWithModel(
      `      provider: ${provider}`,
      "      name: m",
      "      config:",
      `        ${provider}_api_base: http://localhost:8080`,
    );
    expect(issuesOf(text)).toEqual([
      { file: FILE, line: 8, column: 9, route: "r", field: `model.config.${key}`, message: "is required" },
    ]);
  });

  it("requires the key when the config is left out, pointing at the model", () => {
    expect(issuesOf(routeWithModel("      provider: anthropic", "      name: m"))).toEqual([
      {
        file: FILE,
        line: 5,
        column: 7,
        route: "r",
        field: "model.config.anthropic_api_key",
        message: "is required",
      },
    ]);
  });

  it.each([
    {
      case: "an anthropic base URL that is not http(s)",
      provider: "anthropic",
      line: "anthropic_api_base: ftp://example.com",
      field: "anthropic_api_base",
      column: 29,
      message: "must be an absolute http:// or https:// URL",
    },
    {
      case: "a default_max_tokens of 0",
      provider: "anthropic",
      line: "default_max_tokens: 0",
      field: "default_max_tokens",
      column: 29,
      message: "must be at least 1",
    },
    {
      case: "an unknown cohere embedding input type",
      provider: "cohere",
      line: "embedding_input_type: search",
      field: "embedding_input_type",
      column: 31,
      message: `must be one of: ${EMBED_INPUT_TYPES.map((type) => `"${type}"`).join(", ")}`,
    },
    {
      case: "an unknown anthropic key",
      provider: "anthropic",
      line: "max_tokens: 100",
      field: "max_tokens",
      column: 9,
      message:
        "unknown key 'max_tokens' for provider 'anthropic'; allowed: anthropic_api_key, anthropic_api_base, anthropic_version, default_max_tokens",
    },
  ])("rejects $case", ({ provider, line, field, column, message }) => {
    const text = routeWithModel(
      `      provider: ${provider}`,
      "      name: m",
      "      config:",
      `        ${provider}_api_key: sk-test`,
      `        ${line}`,
    );
    expect(issuesOf(text)).toEqual([
      { file: FILE, line: 9, column, route: "r", field: `model.config.${field}`, message },
    ]);
  });
});

describe("parseConfig: the openai provider's config", () => {
  it("defaults openai_api_type to openai", () => {
    expect(configOf(openaiRoute("        openai_api_key: sk-test")).routes[0]?.targets[0]?.config).toEqual({
      openai_api_key: "sk-test",
      openai_api_type: "openai",
    });
  });

  it.each([
    ["OpenAI", "openai", []],
    ["AZURE", "azure", ["openai_api_base: https://x.openai.azure.com", "openai_deployment_name: d"]],
    ["AzureAD", "azuread", ["openai_api_base: https://x.openai.azure.com", "openai_deployment_name: d"]],
  ])("reads openai_api_type %s case-insensitively as %s", (written, stored, azureLines) => {
    const text = openaiRoute(
      "        openai_api_key: sk-test",
      `        openai_api_type: ${written}`,
      ...azureLines.map((line) => `        ${line}`),
      ...(azureLines.length > 0 ? ["        openai_api_version: 2024-06-01"] : []),
    );
    expect(configOf(text).routes[0]?.targets[0]?.config.openai_api_type).toBe(stored);
  });

  it("accepts an organization and a base URL for the openai API type", () => {
    const text = openaiRoute(
      "        openai_api_key: sk-test",
      "        openai_organization: org-123",
      "        openai_api_base: http://localhost:8080/v1",
    );
    expect(configOf(text).routes[0]?.targets[0]?.config).toEqual({
      openai_api_key: "sk-test",
      openai_api_type: "openai",
      openai_organization: "org-123",
      openai_api_base: "http://localhost:8080/v1",
    });
  });

  it("rejects a deployment name with the openai API type", () => {
    const text = openaiRoute(
      "        openai_api_key: sk-test",
      "        openai_deployment_name: gpt-4o-prod",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 9,
        column: 33,
        route: "r",
        field: "model.config.openai_deployment_name",
        message: "is only allowed when openai_api_type is 'azure' or 'azuread' (found 'openai')",
      },
    ]);
  });

  it.each(["azure", "azuread"])("names each of base, deployment and version missing for %s", (type) => {
    const text = openaiRoute("        openai_api_key: sk-test", `        openai_api_type: ${type}`);
    expect(issuesOf(text)).toEqual(
      ["openai_api_base", "openai_deployment_name", "openai_api_version"].map((key) => ({
        file: FILE,
        line: 8,
        column: 9,
        route: "r",
        field: `model.config.${key}`,
        message: AZURE_REQUIRED(type),
      })),
    );
  });

  const AZURE_COMPLETE = {
    openai_api_base: "https://x.openai.azure.com",
    openai_deployment_name: "gpt-4o-prod",
    openai_api_version: "2024-06-01",
  };
  it.each(Object.keys(AZURE_COMPLETE))("rejects an azure config without only %s", (missing) => {
    const given = Object.entries(AZURE_COMPLETE).filter(([key]) => key !== missing);
    const text = openaiRoute(
      "        openai_api_key: sk-test",
      "        openai_api_type: azure",
      ...given.map(([key, value]) => `        ${key}: "${value}"`),
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 8,
        column: 9,
        route: "r",
        field: `model.config.${missing}`,
        message: AZURE_REQUIRED("azure"),
      },
    ]);
  });

  it("rejects an organization with the azure API type", () => {
    const text = openaiRoute(
      "        openai_api_key: sk-test",
      "        openai_api_type: azure",
      ...Object.entries(AZURE_COMPLETE).map(([key, value]) => `        ${key}: "${value}"`),
      "        openai_organization: org-123",
    );
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 13,
        column: 30,
        route: "r",
        field: "model.config.openai_organization",
        message: "is only allowed when openai_api_type is 'openai' (found 'azure')",
      },
    ]);
  });

  it("rejects an unknown API type, listing the allowed ones", () => {
    const text = openaiRoute("        openai_api_key: sk-test", "        openai_api_type: bedrock");
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 9,
        column: 26,
        route: "r",
        field: "model.config.openai_api_type",
        message: 'must be one of: "openai", "azure", "azuread"',
      },
    ]);
  });

  it("rejects an unknown key at the key, listing the allowed keys", () => {
    const text = openaiRoute("        openai_api_key: sk-test", "        openai_api_verison: 2024-06-01");
    expect(issuesOf(text)).toEqual([
      {
        file: FILE,
        line: 9,
        column: 9,
        route: "r",
        field: "model.config.openai_api_verison",
        message: `unknown key 'openai_api_verison' for provider 'openai'; allowed: ${OPENAI_KEYS}`,
      },
    ]);
  });

  it.each(["ftp://example.com", "localhost:8080", "api.openai.com/v1", "not a url"])(
    "rejects the openai_api_base %j",
    (base) => {
      const text = openaiRoute("        openai_api_key: sk-test", `        openai_api_base: "${base}"`);
      expect(issuesOf(text)).toEqual([
        {
          file: FILE,
          line: 9,
          column: 26,
          route: "r",
          field: "model.config.openai_api_base",
          message: "must be an absolute http:// or https:// URL",
        },
      ]);
    },
  );

  it("rejects a key of the wrong type without calling it missing", () => {
    expect(issuesOf(openaiRoute("        openai_api_key: 12345"))).toEqual([
      {
        file: FILE,
        line: 8,
        column: 25,
        route: "r",
        field: "model.config.openai_api_key",
        message: "must be a string (got a number)",
      },
    ]);
  });
});

describe("parseConfig: API keys", () => {
  let directory: string;
  let file: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "switchyard-parse-config-"));
    file = join(directory, "switchyard.yaml");
    mkdirSync(join(directory, "keys"));
    writeFileSync(join(directory, "keys", "openai.key"), "sk-from-relative-file\n");
    writeFileSync(join(directory, "bare.key"), "sk-from-bare-file\r\n");
    writeFileSync(join(directory, "absolute.key"), "sk-from-absolute-file");
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const keyOf = (reference: string, env: NodeJS.ProcessEnv = {}) =>
    configOf(openaiRoute(`        openai_api_key: ${reference}`), env, file).routes[0]?.targets[0]?.config
      .openai_api_key;

  it("uses a literal key as it is", () => {
    expect(keyOf("sk-literal-key")).toBe("sk-literal-key");
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax, not a template.
  it.each(["$OPENAI_API_KEY", "${OPENAI_API_KEY}"])("reads %s from the environment given", (reference) => {
    expect(keyOf(reference, { OPENAI_API_KEY: "sk-from-env" })).toBe("sk-from-env");
  });

  it("reads a key file relative to the config file's folder, trimming the trailing newline", () => {
    expect(keyOf("./keys/openai.key")).toBe("sk-from-relative-file");
  });

  it("reads a key file named without ./ and with a Windows line ending", () => {
    expect(keyOf("bare.key")).toBe("sk-from-bare-file");
  });

  it("reads a key file by absolute path", () => {
    expect(keyOf(join(directory, "absolute.key"))).toBe("sk-from-absolute-file");
  });

  it("rejects an unset environment variable, naming it, on the key's line", () => {
    expect(issuesOf(openaiRoute("        openai_api_key: $OPENAI_API_KEY"), {}, file)).toEqual([
      {
        file,
        line: 8,
        column: 25,
        route: "r",
        field: "model.config.openai_api_key",
        message: "environment variable 'OPENAI_API_KEY' is not set",
      },
    ]);
  });

  it("rejects an empty environment variable, naming it", () => {
    const issues = issuesOf(
      openaiRoute("        openai_api_key: $OPENAI_API_KEY"),
      { OPENAI_API_KEY: "" },
      file,
    );
    expect(issues).toEqual([
      {
        file,
        line: 8,
        column: 25,
        route: "r",
        field: "model.config.openai_api_key",
        message: "environment variable 'OPENAI_API_KEY' is empty",
      },
    ]);
  });

  it("rejects a path that names no file rather than using the path as the key", () => {
    expect(issuesOf(openaiRoute("        openai_api_key: ./keys/missing.key"), {}, file)).toEqual([
      {
        file,
        line: 8,
        column: 25,
        route: "r",
        field: "model.config.openai_api_key",
        message: `the key file './keys/missing.key' does not exist (looked for ${join(directory, "keys", "missing.key")})`,
      },
    ]);
  });

  it("reports a secret problem and another problem in the same config together", () => {
    const text = openaiRoute("        openai_api_key: $OPENAI_API_KEY", "        openai_api_type: aws");
    expect(issuesOf(text, {}, file).map((issue) => [issue.line, issue.field])).toEqual([
      [8, "model.config.openai_api_key"],
      [9, "model.config.openai_api_type"],
    ]);
  });
});

describe("parseConfig: secrets never appear in a problem report", () => {
  const SECRET = "sk-SWITCHYARD-TEST-SECRET-4f1c9a77e0";
  let directory: string;
  let file: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "switchyard-secret-leak-"));
    file = join(directory, "switchyard.yaml");
    writeFileSync(join(directory, "openai.key"), `${SECRET}\n`);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const inConfig = (...configLines: string[]) => [
    "      config:",
    ...configLines.map((line) => `        ${line}`),
  ];
  it.each([
    {
      case: "a literal key beside an invalid API type",
      model: inConfig(`openai_api_key: ${SECRET}`, "openai_api_type: aws"),
    },
    {
      case: "a key from the environment beside an unknown key",
      model: inConfig("openai_api_key: $OPENAI_API_KEY", "openai_api_verison: 2024-06-01"),
    },
    {
      case: "a key from a file in an incomplete azure config",
      model: inConfig("openai_api_key: ./openai.key", "openai_api_type: azure"),
    },
    { case: "a key of the wrong type", model: inConfig(`openai_api_key: [${SECRET}]`) },
    {
      case: "a key written in the base URL's place",
      model: inConfig("openai_api_key: sk-other", `openai_api_base: ${SECRET}`),
    },
    {
      case: "a key written in the API type's place",
      model: inConfig("openai_api_key: sk-other", `openai_api_type: ${SECRET}`),
    },
    { case: "a key under a misspelt name", model: inConfig(`openai_api_kee: ${SECRET}`) },
    { case: "a key in an unclosed quote", model: inConfig(`openai_api_key: "${SECRET}`) },
    { case: "a key given as the whole config", model: [`      config: ${SECRET}`] },
    { case: "a key given as the model name", model: [`      name: [${SECRET}]`] },
  ])("hides the key in $case", ({ model }) => {
    const text = routeWithModel("      provider: openai", "      name: gpt-4o", ...model);
    const issues = issuesOf(text, { OPENAI_API_KEY: SECRET }, file);
    expect(issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(issues)).not.toContain(SECRET);
    expect(issues.map(formatConfigIssue).join("\n")).not.toContain(SECRET);
    expect(new ConfigError(issues).message).not.toContain(SECRET);
  });
});

describe("parseConfig: several problems", () => {
  it("reports every problem in the file, not only the first", () => {
    const file = "/srv/switchyard/several-problems.yaml";
    expect(issuesOf(fixture("several-problems.yaml"), {}, file)).toEqual([
      {
        file,
        line: 32,
        column: 1,
        field: "colour",
        message:
          "unknown top-level key 'colour'; allowed: routes, endpoints, server, governance, console, responses",
      },
      {
        file,
        line: 8,
        column: 11,
        route: "bad name",
        field: "name",
        message:
          "may only contain letters, digits, '_', '-' and '.' (it becomes part of the URL); got \"bad name\"",
      },
      { file, line: 13, column: 5, route: "typo", field: "model", message: MISSING_MODEL },
      {
        file,
        line: 15,
        column: 5,
        route: "typo",
        field: "modle",
        message: `unknown key 'modle'; allowed: ${ROUTE_KEYS}`,
      },
      {
        file,
        line: 21,
        column: 17,
        route: "embeddings",
        field: "model.provider",
        message:
          "provider 'anthropic' cannot serve llm/v1/embeddings routes; it serves: llm/v1/chat, llm/v1/completions",
      },
      {
        file,
        line: 24,
        column: 28,
        route: "embeddings",
        field: "model.config.anthropic_api_key",
        message: "environment variable 'ANTHROPIC_API_KEY' is not set",
      },
      {
        file,
        line: 25,
        column: 28,
        route: "embeddings",
        field: "model.config.anthropic_version",
        message: "must be at least 1 character long",
      },
      {
        file,
        line: 27,
        column: 11,
        route: "fine",
        field: "name",
        message:
          "duplicate route name 'fine' (first defined at line 3, again at line 27); route names must be unique",
      },
    ]);
  });
});
