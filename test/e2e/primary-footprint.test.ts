import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createConfigDirectory, mockRoutesYaml, saveAtomically } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * The primary process lives as long as the gateway and serves no request: it should hold what it does (the
 * services it hosts for the workers, the config file's watch, the workers' metrics) and nothing else. It took
 * 86-90 MiB of RSS at start while it validated configs itself (zod, every provider's config schema and the dialect
 * code those import), 40-43 MiB of it anonymous memory; now a short-lived child process checks each config
 * (server/config-check-process.ts) and the primary starts at 53-60 MiB, 10-15 MiB anonymous (docs/performance.md,
 * Memory). The rest of its RSS, about 42 MiB, is the node binary's code pages, shared with the workers and every
 * other Node process. The bounds leave 10 MiB of headroom over those figures and still fail the old primary.
 */

const EXAMPLE = fileURLToPath(new URL("../../examples/switchyard.yaml", import.meta.url));
const TRACE_HOOKS = pathToFileURL(fileURLToPath(new URL("./module-trace-hooks.mjs", import.meta.url))).href;
/** What the primary owns (RssAnon): 10-15 MiB measured, 40-43 before. */
const PRIMARY_ANON_LIMIT_KIB = 25 * 1024;
/** Its whole resident set (VmRSS, what the bench reports): 53-60 MiB measured, 86-90 before. */
const PRIMARY_RSS_LIMIT_KIB = 72 * 1024;

let gateway: GatewayProcess | undefined;
afterEach(async () => {
  await gateway?.stop("SIGKILL");
  gateway = undefined;
});

/** A field of /proc/<pid>/status in KiB (VmRSS, RssAnon). */
function statusKib(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"));
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Every module the process `pid` resolved, as paths under dist/ or package names under node_modules/. */
function modulesOf(directory: string, pid: number): { gateway: string[]; packages: Set<string> } {
  const urls = readFileSync(join(directory, `${pid}.txt`), "utf8")
    .split("\n")
    .filter(Boolean);
  return {
    gateway: urls.flatMap((url) => url.match(/\/dist\/(.+\.js)$/)?.[1] ?? []),
    packages: new Set(urls.flatMap((url) => url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? [])),
  };
}

/** What the primary must not load: config validation, providers, dialects, and the request path's libraries. */
const VALIDATION_OR_REQUEST_CODE =
  /^(config\/parse-config|providers\/|dialects\/|canonical\/|routing\/|api\/)/;
const REQUEST_PACKAGES = ["zod", "yaml", "fastify", "undici", "gpt-tokenizer", "fast-json-stringify"];

describe("the primary process stays lean", () => {
  it.skipIf(process.platform !== "linux")("starts small with one worker on the example config", async () => {
    // A copy, so that no governance database left beside the example by another run is opened at start.
    const config = join(createConfigDirectory(), "switchyard.yaml");
    writeFileSync(config, readFileSync(EXAMPLE, "utf8"));
    gateway = await startGatewayProcess(["--config-path", config, "--workers", "1"]);
    const pid = gateway.child.pid as number;
    const anon = statusKib(pid, "RssAnon");
    const rss = statusKib(pid, "VmRSS");
    expect(anon, `the primary's RssAnon: ${Math.round(anon / 1024)} MiB`).toBeLessThan(
      PRIMARY_ANON_LIMIT_KIB,
    );
    expect(rss, `the primary's VmRSS: ${Math.round(rss / 1024)} MiB`).toBeLessThan(PRIMARY_RSS_LIMIT_KIB);
  });

  it("loads no validation, provider or dialect code, at start or on a reload, while a child checks each config", async () => {
    const directory = createConfigDirectory();
    const config = join(directory, "switchyard.yaml");
    saveAtomically(config, mockRoutesYaml([{ name: "chat" }]));
    gateway = await startGatewayProcess(["--config-path", config, "--workers", "1"], {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${TRACE_HOOKS}`,
      SWITCHYARD_MODULE_TRACE_DIR: directory,
    });
    saveAtomically(config, mockRoutesYaml([{ name: "chat" }, { name: "chat-2" }]));
    await gateway.waitForOutput(/configuration reloaded: chat, chat-2/);
    saveAtomically(
      config,
      "routes:\n  - name: broken\n    type: llm/v1/chat\n    model: { provider: nope, name: x }\n",
    );
    await gateway.waitForOutput(/config not reloaded: [^"]*switchyard\.yaml:4:\d+/);

    const primary = modulesOf(directory, gateway.child.pid as number);
    // The trace saw the primary's own code, so an empty list below means what it says.
    expect(primary.gateway).toContain("server/primary.js");
    expect(primary.gateway).toContain("server/config-reloader.js");
    expect(primary.gateway.filter((path) => VALIDATION_OR_REQUEST_CODE.test(path))).toEqual([]);
    expect(REQUEST_PACKAGES.filter((name) => primary.packages.has(name))).toEqual([]);

    // The checks ran elsewhere: one child per check (start, the reload, the refused reload), each with the
    // validation code.
    const others = readdirSync(directory)
      .filter((name) => name.endsWith(".txt") && name !== `${gateway?.child.pid}.txt`)
      .map((name) => modulesOf(directory, Number(name.slice(0, -4))));
    const checks = others.filter((process) => process.gateway.includes("server/config-check-main.js"));
    // A save can reach the watcher as two events: a refused text is checked again, an applied one is not.
    expect(checks.length).toBeGreaterThanOrEqual(3);
    for (const check of checks) {
      expect(check.gateway).toContain("config/parse-config.js");
      expect(check.packages.has("zod")).toBe(true);
    }
  });
});
