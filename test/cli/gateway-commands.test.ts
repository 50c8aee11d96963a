import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientTestGateway, startClientTestGateway } from "../client/client-test-gateway.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/switchyard.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI. Asynchronous on purpose: the gateway under test runs in this process, so a synchronous
 * spawn would block it from answering.
 */
function cli(args: string[], options: RunOptions = {}): Promise<Run> {
  return runNode([BIN, ...args], options);
}

interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
}

function runNode(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    for (const name of ["SWITCHYARD_GATEWAY_URI", "MLFLOW_GATEWAY_URI"]) {
      if (options.env?.[name] === undefined) delete env[name];
    }
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

/** Builds dist/ when it is missing or older than the CLI and client sources (the global setup may not have). */
function buildIfStale(): void {
  const built = join(ROOT, "dist/cli/routes-command.js");
  const sources = ["src/cli", "src/client"].flatMap((dir) =>
    readdirSync(join(ROOT, dir)).map((file) => join(ROOT, dir, file)),
  );
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
      {
        cwd: ROOT,
        stdio: "pipe",
      },
    );
  } catch {
    // Type errors in files being edited elsewhere do not stop the emit; the assertions below catch a real gap.
  }
}

let gateway: ClientTestGateway;
let scratch: string;

beforeAll(async () => {
  buildIfStale();
  gateway = await startClientTestGateway();
  scratch = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
}, 120_000);

afterAll(async () => {
  await gateway.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("switchyard routes", () => {
  it("prints a table of name, type, provider and model", async () => {
    const run = await cli(["routes", "--gateway-uri", gateway.url]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      [
        "NAME         TYPE                PROVIDER   MODEL",
        "chat         llm/v1/chat         mock       mock-echo",
        "chat-large   llm/v1/chat         mock       mock-echo-large",
        "completions  llm/v1/completions  mock       mock-echo",
        "embeddings   llm/v1/embeddings   mock       mock-embed",
        "Chat_OpenAI  llm/v1/chat         openai     gpt-4o-mini",
        "claude       llm/v1/chat         anthropic  claude-sonnet-4-5",
        "",
      ].join("\n"),
    );
  });

  it("prints the routes as JSON with --json, route_url absolute", async () => {
    const run = await cli(["routes", "--gateway-uri", gateway.url, "--json", "--filter", "name = 'claude'"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        name: "claude",
        route_type: "llm/v1/chat",
        model: { name: "claude-sonnet-4-5", provider: "anthropic" },
        route_url: `${gateway.url}/gateway/claude/invocations`,
        health: { targets: [{ target: "anthropic/claude-sonnet-4-5", circuit: "closed" }] },
      },
    ]);
  });

  it("lists only the routes matching --filter", async () => {
    const run = await cli([
      "routes",
      "--gateway-uri",
      gateway.url,
      "--filter",
      "name ILIKE 'chat%' AND model.provider = 'mock'",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").map((line) => line.split(" ")[0])).toEqual([
      "NAME",
      "chat",
      "chat-large",
      "",
    ]);
  });

  it("says so when no route matches the filter", async () => {
    const run = await cli(["routes", "--gateway-uri", gateway.url, "--filter", "name = 'none'"]);
    expect(run).toMatchObject({ code: 0, stdout: "No routes match the filter.\n" });
  });

  it.each(["SWITCHYARD_GATEWAY_URI", "MLFLOW_GATEWAY_URI"])("takes the gateway URI from %s", async (name) => {
    const run = await cli(["routes", "--json"], { env: { [name]: gateway.url } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(6);
  });

  it("prefers --gateway-uri over the environment", async () => {
    const run = await cli(["routes", "--gateway-uri", gateway.url], {
      env: { SWITCHYARD_GATEWAY_URI: "http://127.0.0.1:1" },
    });
    expect(run.code).toBe(0);
  });

  it("prints a malformed filter's error as one line with the column, and exits 1", async () => {
    const run = await cli(["routes", "--gateway-uri", gateway.url, "--filter", "name = chat"]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^error: Listing routes failed with HTTP 400 Bad Request .*\n$/);
    expect(run.stderr).toContain("Invalid filter at column 8: expected a quoted string");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("explains how to give a gateway URI when there is none, and exits 1", async () => {
    const run = await cli(["routes"]);
    expect(run).toMatchObject({
      code: 1,
      stdout: "",
      stderr:
        "error: No gateway URI: pass --gateway-uri http://HOST:PORT or set SWITCHYARD_GATEWAY_URI or MLFLOW_GATEWAY_URI.\n",
    });
  });

  it("reports an unreachable gateway in one line, and exits 1", async () => {
    const run = await cli(["routes", "--gateway-uri", "http://127.0.0.1:9"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Listing routes failed: could not reach the gateway .*\n$/);
  });
});

describe("switchyard query", () => {
  it("sends the --data JSON to the route and prints the response as indented JSON", async () => {
    const data = JSON.stringify({ messages: [{ role: "user", content: "Hello from the CLI" }] });
    const run = await cli(["query", "chat", "--data", data, "--gateway-uri", gateway.url]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const response = JSON.parse(run.stdout);
    expect(run.stdout).toBe(`${JSON.stringify(response, null, 2)}\n`);
    expect(response.candidates[0].message.content).toBe("Hello from the CLI");
    expect(response.metadata).toMatchObject({ model: "mock-echo", route_type: "llm/v1/chat" });
  });

  it("reads --data from a file given as @file", async () => {
    const file = join(scratch, "prompt.json");
    writeFileSync(file, JSON.stringify({ prompt: "from a file" }));
    const run = await cli(["query", "completions", "--data", `@${file}`], {
      env: { SWITCHYARD_GATEWAY_URI: gateway.url },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).candidates[0].text).toBe("from a file");
  });

  it("reads --data from standard input given as @-", async () => {
    const run = await cli(["query", "embeddings", "--data", "@-", "--gateway-uri", gateway.url], {
      stdin: JSON.stringify({ text: ["one", "two"] }),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).embeddings).toHaveLength(2);
  });

  it.each([
    ["{not json", "error: --data is not valid JSON ("],
    ["[1, 2]", 'error: --data must be a JSON object, for example: --data \'{"messages"'],
    ["@/does/not/exist.json", "error: cannot read the --data file '/does/not/exist.json' (ENOENT)."],
  ])("refuses --data %j in one line and exits 1", async (data, message) => {
    const run = await cli(["query", "chat", "--data", data, "--gateway-uri", gateway.url]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("prints the gateway's explanation when the body does not fit the route, and exits 1", async () => {
    const run = await cli(["query", "chat", "--data", '{"prompt":"x"}', "--gateway-uri", gateway.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: Query of route 'chat' failed with HTTP 422 Unprocessable Entity \\(POST ${gateway.url}/gateway/chat/invocations\\): Invalid request body: messages is required\\. Request id: [0-9a-f-]{36}\\.\n$`,
      ),
    );
  });

  it("prints the 404 of an unknown route, and exits 1", async () => {
    const run = await cli(["query", "nope", "--data", "{}", "--gateway-uri", gateway.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("The route 'nope' is not present or active on the server.");
  });
});

describe("the switchyard-gateway/client package export", () => {
  it("resolves to the built client, with its type definitions next to it", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.exports["./client"]).toEqual({
      types: "./dist/client/index.d.ts",
      default: "./dist/client/index.js",
    });
    expect(existsSync(join(ROOT, "dist/client/index.d.ts"))).toBe(true);
    const script =
      'import { GatewayClient } from "switchyard-gateway/client";' +
      "const route = await new GatewayClient(process.argv[1]).getRoute('chat');" +
      "console.log(route.route_url);";
    const run = await runNode(["--input-type=module", "-e", script, gateway.url]);
    expect(run).toMatchObject({ code: 0, stdout: `${gateway.url}/gateway/chat/invocations\n`, stderr: "" });
  });
});
