import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../e2e/debian-tool.js";

/**
 * The container image, as far as a machine without a container engine can check it: the Dockerfile's stages and
 * settings, that what it copies exists, and that its start command, with its environment, runs the gateway on
 * every interface and answers its own HEALTHCHECK.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const instructions = dockerfile.getInstructions();
const stages = dockerfile.getFROMs();
const finalStageStart = stages.at(-1)?.getRange().start.line ?? 0;
const finalStage = instructions.filter((instruction) => instruction.getRange().start.line >= finalStageStart);
const ofKind = (list: Instruction[], keyword: string) =>
  list.filter((entry) => entry.getKeyword() === keyword);
const args = Object.fromEntries(
  dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue()]),
);
const imageOf = (image: string) => image.replace(/\$\{(\w+)\}/g, (_match, name: string) => args[name] ?? "");

/** The exec-form JSON array of CMD, ENTRYPOINT or HEALTHCHECK CMD. */
function execForm(instruction: Instruction | undefined): string[] {
  const content = instruction?.getArgumentsContent() ?? "";
  return JSON.parse(content.replace(/^CMD\s+/, "").replace(/\\\n/g, "")) as string[];
}

/** The stage a `COPY --from=...` copies from. */
function fromStage(copy: Instruction): string | undefined {
  return (
    (copy as unknown as { getFromFlag(): { getValue(): string | null } | null }).getFromFlag()?.getValue() ??
    undefined
  );
}

/** Every ENV of the final stage, as the running container sees them. */
const imageEnv: Record<string, string> = {};
for (const env of ofKind(finalStage, "ENV")) {
  for (const property of (
    env as unknown as { getProperties(): { getName(): string; getValue(): string }[] }
  ).getProperties()) {
    imageEnv[property.getName()] = property.getValue();
  }
}

describe("the Dockerfile", () => {
  it("builds in stages from Node 20 LTS slim images", () => {
    expect(stages.map((stage) => stage.getBuildStage())).toEqual(["build", "runtime"]);
    for (const stage of stages) expect(imageOf(stage.getImage() ?? "")).toMatch(/^node:20-[a-z]+-slim$/);
  });

  it("installs production dependencies only in the image, and takes the compiled code from the build stage", () => {
    const runs = ofKind(finalStage, "RUN").map((run) => run.getArgumentsContent() ?? "");
    expect(runs.some((run) => /npm ci --omit=dev\b/.test(run))).toBe(true);
    expect(runs.some((run) => /npm ci(?! --omit=dev)/.test(run) && !run.includes("--omit=dev"))).toBe(false);
    const fromBuild = ofKind(finalStage, "COPY").filter((copy) => fromStage(copy) === "build");
    expect(fromBuild.map((copy) => copy.getArgumentsContent())).toEqual(["/app/dist ./dist"]);
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    for (const copy of ofKind(instructions, "COPY")) {
      const content = copy.getArgumentsContent() ?? "";
      if (fromStage(copy) !== undefined) continue;
      const sources = content.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        expect(existsSync(join(ROOT, source)), `COPY ${source}`).toBe(true);
        expect(ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`))).toBe(false);
      }
    }
  });

  it("runs as an unprivileged user, under tini, with a HEALTHCHECK", () => {
    const user = ofKind(finalStage, "USER").at(-1)?.getArgumentsContent();
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user);
    expect(
      ofKind(finalStage, "RUN").some((run) =>
        /apt-get install .*\btini\b/.test(run.getArgumentsContent() ?? ""),
      ),
    ).toBe(true);
    expect(execForm(ofKind(finalStage, "ENTRYPOINT")[0])).toEqual(["/usr/bin/tini", "--"]);
    const healthcheck = ofKind(finalStage, "HEALTHCHECK")[0];
    expect(healthcheck?.getArgumentsContent()).toMatch(/^CMD \[/);
    expect(ofKind(finalStage, "EXPOSE")[0]?.getArgumentsContent()).toBe(imageEnv.SWITCHYARD_PORT);
  });

  it("listens on every interface inside the container, configured through the environment", () => {
    expect(imageEnv).toMatchObject({
      SWITCHYARD_HOST: "0.0.0.0",
      SWITCHYARD_PORT: "5000",
      SWITCHYARD_CONFIG: "/etc/switchyard/switchyard.yaml",
      NODE_ENV: "production",
    });
    expect(Number(imageEnv.SWITCHYARD_WORKERS)).toBeGreaterThanOrEqual(1);
  });
});

describe("the image's start command", () => {
  let app: string;
  let child: ChildProcess;
  let output = "";
  let port: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // The image's /app, laid out as the Dockerfile lays it out (the dependencies linked, not installed again).
    app = mkdtempSync(join(tmpdir(), "switchyard-image-"));
    for (const entry of ["package.json", "bin", "dist"])
      cpSync(join(ROOT, entry), join(app, entry), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"));
    const configPath = join(app, "etc/switchyard/switchyard.yaml");
    mkdirSync(dirname(configPath), { recursive: true });
    cpSync(join(ROOT, "examples/switchyard.yaml"), configPath);
    port = await freePort();
    env = {
      PATH: process.env.PATH,
      ...imageEnv,
      // The container's paths and ports, mapped to this machine's.
      SWITCHYARD_CONFIG: configPath,
      SWITCHYARD_PORT: String(port),
    };
    const [command = "", ...rest] = execForm(ofKind(finalStage, "CMD")[0]);
    child = spawn(command === "node" ? process.execPath : command, rest, {
      cwd: app,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    for (let tries = 0; !output.includes("API docs at") && tries < 600; tries++) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(app, { recursive: true, force: true });
  });

  it("starts the gateway on 0.0.0.0 with the image's settings", async () => {
    expect(output).toContain(
      `listening on http://0.0.0.0:${port} (every interface) with ${imageEnv.SWITCHYARD_WORKERS} workers`,
    );
    const health = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(health.status).toBe(200);
  });

  it("passes its own HEALTHCHECK", () => {
    const [command = "", ...rest] = execForm(ofKind(finalStage, "HEALTHCHECK")[0]);
    expect(command).toBe("node");
    expect(() =>
      execFileSync(process.execPath, rest, { env, stdio: "ignore", timeout: 10_000 }),
    ).not.toThrow();
    // And fails when nothing answers, or it would check nothing.
    expect(() =>
      execFileSync(process.execPath, rest, {
        env: { ...env, SWITCHYARD_PORT: "1" },
        stdio: "ignore",
        timeout: 10_000,
      }),
    ).toThrow();
  });

  it("stops cleanly on SIGTERM, which tini passes on", async () => {
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) =>
      child.once("exit", (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(0);
  });
});

describe("the image's environment settings", () => {
  it("rejects a bad value with the variable's name", () => {
    let message = "";
    try {
      execFileSync(process.execPath, [join(ROOT, "bin/switchyard.js"), "start"], {
        env: {
          ...process.env,
          SWITCHYARD_CONFIG: join(ROOT, "examples/switchyard.yaml"),
          SWITCHYARD_WORKERS: "many",
        },
        stdio: "pipe",
      });
    } catch (error) {
      message = String((error as { stderr?: Buffer }).stderr);
    }
    expect(message).toContain("'many' from env 'SWITCHYARD_WORKERS' is invalid");
  });
});
