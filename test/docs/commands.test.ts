import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../e2e/debian-tool.js";

/**
 * The README's commands and the docs' command-line examples, run as written from a clone: `npm start`, the
 * five-minute tour's curl commands (their output compared with the comments under them), and every
 * `npx switchyard ...` line, against the gateway `npm start` started. Only the port differs: 5000 may be taken.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const run = promisify(execFile);
const DOC_BASE = "http://127.0.0.1:5000";

function shellBlocks(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

/** Commands of a block, continuation lines joined, each with the `# {...}` output comment that follows it. */
function commandsOf(block: string): { command: string; expected: string | undefined }[] {
  const commands: { command: string; expected: string | undefined }[] = [];
  const lines = block.split("\n");
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index] ?? "";
    if (line.trim() === "" || line.startsWith("#")) continue;
    while (line.endsWith("\\")) line = `${line.slice(0, -1)} ${(lines[++index] ?? "").trim()}`;
    let expected = "";
    while (/^# [{ ]/.test(lines[index + 1] ?? "")) expected += (lines[++index] ?? "").slice(2);
    commands.push({ command: line, expected: expected === "" ? undefined : expected });
  }
  return commands;
}

const BUILD_STEP = "npm run build --silent && ";

function startScript(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } })
    .scripts.start;
}

let port: number;
let base: string;
let npmStart: ChildProcess;
let output = "";

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The set-up block's `npm start`, with only the port added, and without its build step: the suite has built
  // dist/ already, and building it again now would rewrite files that other tests are loading.
  npmStart = spawn("sh", ["-c", `${startScript().slice(BUILD_STEP.length)} --port ${port}`], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  npmStart.stdout?.on("data", collect);
  npmStart.stderr?.on("data", collect);
  for (let tries = 0; !output.includes("API docs at") && tries < 1800; tries++) {
    if (npmStart.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 240_000);

afterAll(async () => {
  if (npmStart.exitCode === null) {
    npmStart.kill("SIGTERM");
    await new Promise((resolve) => npmStart.once("exit", resolve));
  }
});

async function bash(script: string): Promise<{ stdout: string; stderr: string }> {
  return run("bash", ["-euo", "pipefail", "-c", script.replaceAll(DOC_BASE, base)], {
    cwd: ROOT,
    timeout: 60_000,
  });
}

describe("README.md", () => {
  const [setUp = "", tour = ""] = shellBlocks("README.md");

  it("sets up with npm scripts that exist, and `npm start` serves the example config", async () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts);
    const npmCommands = [...setUp.matchAll(/npm (\w+)/g)].map((match) => match[1]);
    expect(npmCommands).toEqual(["ci", "start", "test"]);
    for (const script of npmCommands.filter((name) => name !== "ci")) expect(scripts).toContain(script);
    expect(startScript().startsWith(BUILD_STEP)).toBe(true);
    expect(output).toContain("examples/switchyard.yaml");
    expect(output).toContain("route chat: llm/v1/chat -> mock/mock-echo");
  });

  it("`npm start` execs the gateway (no shell in between), so its own pid takes SIGHUP (docs/operations.md)", async () => {
    const pid = Number(/"pid":(\d+)[^\n]*listening on/.exec(output)?.[1]);
    const { stdout } = await run("ps", ["-o", "args=", "-p", String(pid)]);
    expect(stdout).toContain("bin/switchyard.js start");
    expect(pid).toBe(npmStart.pid);
    process.kill(pid, "SIGHUP");
    for (let tries = 0; !output.includes("configuration reloaded") && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(output).toContain("configuration reloaded");
  });

  it.each(commandsOf(tour).map((entry) => [entry.command.slice(0, 70), entry] as const))(
    "tour: %s",
    async (_name, { command, expected }) => {
      const { stdout } = await bash(command);
      if (stdout.startsWith("data:")) {
        expect(stdout.trimEnd().endsWith("data: [DONE]")).toBe(true);
        return;
      }
      const body = JSON.parse(stdout) as Record<string, unknown>;
      expect(body).not.toHaveProperty("detail");
      if (expected !== undefined) expect(body).toEqual(JSON.parse(expected));
    },
  );
});

describe("the docs' command lines", () => {
  const pages = ["docs/client.md", "docs/operations.md", "docs/configuration.md"];
  const lines = pages.flatMap((page) =>
    shellBlocks(page).flatMap((block) =>
      commandsOf(block)
        .map((entry) => entry.command)
        .filter((command) => command.startsWith("npx switchyard") || command.startsWith("export "))
        .map((command) => ({ page, command })),
    ),
  );
  const inline = pages.flatMap((page) =>
    [...readFileSync(join(ROOT, page), "utf8").matchAll(/`(npx switchyard [^`]+)`/g)]
      .map((match) => ({ page, command: match[1] ?? "" }))
      // In prose, `npx switchyard ...` or a bare `npx switchyard start` names a command rather than showing one.
      .filter(({ command }) => !command.includes("...") && command.split(" ").length > 3),
  );

  it("has examples to run", () => {
    expect(lines.filter((line) => line.command.includes(" query ")).length).toBeGreaterThanOrEqual(2);
    expect(inline.length).toBeGreaterThanOrEqual(1);
  });

  it("runs every npx switchyard example as written (with the environment its page exports)", async () => {
    let environment = "";
    for (const { page, command } of [...lines, ...inline]) {
      if (command.startsWith("export ")) {
        environment += `${command}\n`;
        continue;
      }
      if (/ start\b/.test(command)) {
        // A second gateway on the documented port is not this test's to start: its options must parse and its
        // config validate, which `validate` and `--help` show.
        const configPath = /--config-path (\S+)/.exec(command)?.[1] ?? "";
        await expect(
          bash(`npx switchyard validate --config-path ${configPath}`),
          `${page}: ${command}`,
        ).resolves.toBeDefined();
        continue;
      }
      const result = await bash(`${environment}${command}`).catch((error: { stderr?: string }) => {
        throw new Error(`${page}: '${command}' failed: ${error.stderr ?? String(error)}`);
      });
      expect(result.stderr, command).toBe("");
    }
    // npx starts npm for each command: seconds apiece on a busy machine.
  }, 180_000);
});
