import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createContext, runInContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientTestGateway, startClientTestGateway } from "./client-test-gateway.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLIENT_DIR = join(ROOT, "src/client");
const ENTRY = join(CLIENT_DIR, "index.ts");

function clientSources(): string[] {
  return readdirSync(CLIENT_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => join(CLIENT_DIR, file));
}

/** Bundles the client for browsers with rolldown (the bundler vite ships); undefined when it is not installed. */
async function bundleForBrowser(format: "esm" | "iife") {
  const rolldown = await import("rolldown").catch(() => undefined);
  if (rolldown === undefined) return undefined;
  const warnings: string[] = [];
  const bundle = await rolldown.rolldown({
    input: ENTRY,
    platform: "browser",
    onLog: (level, log) => warnings.push(`${level}: ${log.message}`),
  });
  const { output } = await bundle.generate({ format, name: "SwitchyardClient" });
  await bundle.close();
  const chunk = output[0];
  return { chunk, warnings };
}

describe("src/client is browser-safe", () => {
  it("imports only relative modules inside src/client, and nothing from node:", () => {
    const problems: string[] = [];
    for (const file of clientSources()) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(
        /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']/g,
      )) {
        const specifier = match[1] ?? match[2] ?? "";
        const target = resolve(dirname(file), specifier);
        if (!specifier.startsWith(".") || relative(CLIENT_DIR, target).startsWith("..")) {
          problems.push(`${relative(ROOT, file)} imports ${specifier}`);
        }
      }
      if (
        /\brequire\(|\bBuffer\b|\bprocess\.env\b|\b__dirname\b/.test(
          text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ""),
        )
      ) {
        problems.push(`${relative(ROOT, file)} uses a Node-only global`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("bundles for the browser platform with no external import and no warning", async (context) => {
    const result = await bundleForBrowser("esm");
    if (result === undefined) return context.skip("rolldown (vite's bundler) is not installed");
    expect(result.warnings).toEqual([]);
    expect(result.chunk.imports).toEqual([]);
    const modules = result.chunk.moduleIds.map((id) => relative(CLIENT_DIR, id));
    expect(modules.every((id) => !id.startsWith(".."))).toBe(true);
    expect(result.chunk.code).not.toMatch(/["']node:/);
  });

  it("type-checks without Node's type definitions, against the DOM library only", () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-client-dom-"));
    try {
      const config = {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: [],
          strict: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: [ENTRY],
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
      const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
      expect(() => execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the bundled client in a realm without Node", () => {
  let gateway: ClientTestGateway;

  beforeAll(async () => {
    gateway = await startClientTestGateway();
  });

  afterAll(async () => {
    await gateway.close();
  });

  it("runs with only web globals: no process, require or Buffer", async (context) => {
    const result = await bundleForBrowser("iife");
    if (result === undefined) return context.skip("rolldown (vite's bundler) is not installed");
    const realm = createContext({
      fetch,
      URL,
      URLSearchParams,
      Headers,
      AbortController,
      setTimeout,
      clearTimeout,
    });
    runInContext(result.chunk.code, realm);
    const run = runInContext(
      `(async (uri) => {
        const { GatewayClient, getGatewayUri } = SwitchyardClient;
        if (typeof process !== "undefined" || typeof require !== "undefined" || typeof Buffer !== "undefined") {
          throw new Error("the realm is not browser-like");
        }
        let noUri;
        try { getGatewayUri(); } catch (error) { noUri = error.message; }
        const client = new GatewayClient(uri);
        const reply = await client.query("chat", { messages: [{ role: "user", content: "from a browser" }] });
        return { noUri, content: reply.candidates[0].message.content, routes: (await client.searchRoutes()).length };
      })`,
      realm,
    ) as (uri: string) => Promise<{ noUri: string; content: string; routes: number }>;
    const outcome = await run(gateway.url);
    expect(outcome.noUri).toMatch(/^No gateway URI has been set/);
    expect(outcome.content).toBe("from a browser");
    expect(outcome.routes).toBeGreaterThan(0);
  });
});
