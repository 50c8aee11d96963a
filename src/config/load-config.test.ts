import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "./config-issue.js";
import { DEFAULT_CONSOLE_SETTINGS } from "./console-settings.js";
import type { TargetConfig } from "./gateway-config.js";
import { defaultGovernanceConfig } from "./governance/governance-config.js";
import { loadConfigFile } from "./load-config.js";
import { DEFAULT_RESPONSES_SETTINGS } from "./responses-settings.js";
import { DEFAULT_UPSTREAM_TIMEOUTS } from "./route-timeouts.js";
import { DEFAULT_SERVER_SETTINGS } from "./server-settings.js";

/** YAML text from one string per line, so that a row's position in the list is its line number. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

const OPENAI_ROUTE = lines(
  "routes:",
  "  - name: chat",
  "    type: llm/v1/chat",
  "    model:",
  "      provider: openai",
  "      name: gpt-4o-mini",
  "      config:",
  "        openai_api_key: ./keys/openai.key",
  "  - name: embeddings",
  "    type: llm/v1/embeddings",
  "    model:",
  "      provider: openai",
  "      name: text-embedding-3-small",
  "      config:",
  "        openai_api_key: $OPENAI_API_KEY",
);

/** An openai target as a route's `model:` gives it: weight 1 and the default timeouts. */
function openaiTarget(model: string, apiKey: string): TargetConfig {
  return {
    provider: "openai",
    model,
    config: { openai_api_key: apiKey, openai_api_type: "openai" },
    weight: 1,
    timeouts: DEFAULT_UPSTREAM_TIMEOUTS,
    price: null,
  };
}

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "switchyard-load-config-"));
  mkdirSync(join(directory, "keys"));
  writeFileSync(join(directory, "keys", "openai.key"), "sk-from-file\n");
  writeFileSync(join(directory, "switchyard.yaml"), OPENAI_ROUTE);
  writeFileSync(join(directory, "bom.yaml"), `\uFEFF${lines("routes: []")}`);
  writeFileSync(
    join(directory, "invalid.yaml"),
    lines(
      "routes:",
      "  - name: chat",
      "    type: llm/v1/chat",
      "    model:",
      "      provider: openia",
      "extra: 1",
    ),
  );
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The ConfigError a promise rejects with. */
async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe("loadConfigFile", () => {
  it("reads a file, resolving key files from the file's folder and variables from the env given", async () => {
    const config = await loadConfigFile(join(directory, "switchyard.yaml"), {
      OPENAI_API_KEY: "sk-from-env",
    });
    expect(config.routes.map(({ name, targets }) => ({ name, targets }))).toEqual([
      { name: "chat", targets: [openaiTarget("gpt-4o-mini", "sk-from-file")] },
      { name: "embeddings", targets: [openaiTarget("text-embedding-3-small", "sk-from-env")] },
    ]);
  });

  it("accepts a path relative to the working directory", async () => {
    const path = relative(process.cwd(), join(directory, "switchyard.yaml"));
    const config = await loadConfigFile(path, { OPENAI_API_KEY: "sk-from-env" });
    expect(config.routes[0]?.targets[0]?.config.openai_api_key).toBe("sk-from-file");
  });

  it("reads a file that starts with a byte-order mark", async () => {
    await expect(loadConfigFile(join(directory, "bom.yaml"), {})).resolves.toEqual({
      routes: [],
      server: DEFAULT_SERVER_SETTINGS,
      governance: defaultGovernanceConfig(directory),
      console: DEFAULT_CONSOLE_SETTINGS,
      responses: DEFAULT_RESPONSES_SETTINGS,
    });
  });

  it("rejects with every problem, each naming the file by its absolute path", async () => {
    const file = join(directory, "invalid.yaml");
    const error = await configErrorOf(loadConfigFile(relative(process.cwd(), file), {}));
    expect(error.issues).toEqual([
      {
        file,
        line: 6,
        column: 1,
        field: "extra",
        message:
          "unknown top-level key 'extra'; allowed: routes, endpoints, server, governance, console, responses",
      },
      expect.objectContaining({ file, line: 5, column: 17, route: "chat", field: "model.provider" }),
    ]);
    expect(error.message).toBe(
      [
        "The configuration is invalid (2 problems):",
        `  ${file}:6:1: field extra: unknown top-level key 'extra'; allowed: routes, endpoints, server, governance, console, responses`,
        `  ${file}:5:17: route 'chat', field model.provider: ${error.issues[1]?.message}`,
      ].join("\n"),
    );
  });

  it("rejects a variable that the env given lacks, at the line of its key", async () => {
    const error = await configErrorOf(loadConfigFile(join(directory, "switchyard.yaml"), {}));
    expect(error.issues).toEqual([
      {
        file: join(directory, "switchyard.yaml"),
        line: 15,
        column: 25,
        route: "embeddings",
        field: "model.config.openai_api_key",
        message: "environment variable 'OPENAI_API_KEY' is not set",
      },
    ]);
  });

  it("rejects a file that does not exist, naming it", async () => {
    const file = join(directory, "missing.yaml");
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toEqual([{ file, message: "the file does not exist" }]);
    expect(error.message).toBe(
      `The configuration is invalid (1 problem):\n  ${file}: the file does not exist`,
    );
  });

  it("rejects a folder, saying it cannot be read", async () => {
    const error = await configErrorOf(loadConfigFile(join(directory, "keys"), {}));
    expect(error.issues).toEqual([
      { file: join(directory, "keys"), message: expect.stringMatching(/^cannot be read \(EISDIR/) },
    ]);
  });
});
