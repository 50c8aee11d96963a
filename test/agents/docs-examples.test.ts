import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";

/**
 * Every ```ts block of docs/agent-apis.md runs here with the official SDKs, against a real gateway on the example
 * config, and every `console.log(...); // text` in it must print exactly that text. The page's YAML blocks are
 * loaded by the gateway as they are.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DOC_URI = "http://127.0.0.1:5000";
const markdown = readFileSync(join(ROOT, "docs/agent-apis.md"), "utf8");
const examples = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
const yamlBlocks = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

/** The SDKs' ES module entries, for example files written outside the repository. */
const SDKS: Record<string, string> = {
  "@anthropic-ai/sdk": pathToFileURL(join(ROOT, "node_modules/@anthropic-ai/sdk/index.mjs")).href,
  openai: pathToFileURL(join(ROOT, "node_modules/openai/index.mjs")).href,
};

function promisedOutput(code: string): string[] {
  return code
    .split("\n")
    .filter((line) => line.trimStart().startsWith("console.log("))
    .map((line) => /;\s*\/\/ (.*)$/.exec(line)?.[1] ?? "");
}

let gateway: GatewayUnderTest;
let scratch: string;

beforeAll(async () => {
  gateway = await startGateway(readFileSync(join(ROOT, "examples/switchyard.yaml"), "utf8"));
  scratch = mkdtempSync(join(tmpdir(), "switchyard-agent-docs-"));
});
afterAll(async () => {
  await gateway?.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("docs/agent-apis.md", () => {
  it("has examples for both APIs, streamed and not", () => {
    expect(examples.filter((code) => code.includes("@anthropic-ai/sdk"))).toHaveLength(2);
    expect(examples.filter((code) => code.includes('from "openai"'))).toHaveLength(2);
  });

  it.each(examples.map((code, index) => [index + 1, code] as const))(
    "example %i runs against the gateway and prints what its comments say",
    async (index, code) => {
      expect(code).toContain(DOC_URI);
      let runnable = code.replaceAll(DOC_URI, gateway.url);
      for (const [name, entry] of Object.entries(SDKS))
        runnable = runnable.replaceAll(`from "${name}"`, `from ${JSON.stringify(entry)}`);
      const file = join(scratch, `example-${index}.ts`);
      writeFileSync(file, runnable);
      const printed: string[] = [];
      const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
        printed.push(format(...args));
      });
      try {
        await import(pathToFileURL(file).href);
      } finally {
        log.mockRestore();
      }
      expect(printed).toEqual(promisedOutput(code));
    },
  );

  it.each(yamlBlocks.map((text, index) => [index + 1, text] as const))(
    "YAML block %i is a config the gateway loads",
    async (_index, text) => {
      const config = parse(text) as Record<string, unknown>;
      const routes =
        config.routes ??
        parse("routes:\n  - { name: chat, type: llm/v1/chat, model: { provider: mock, name: mock-echo } }\n")
          .routes;
      const loaded = await startGateway(JSON.stringify({ ...config, routes }), {
        ANTHROPIC_API_KEY: "sk-ant-docs-example",
        // Nothing listens there: a gateway starts whether or not its Redis answers.
        SWITCHYARD_REDIS_URL: "redis://127.0.0.1:1/0",
      });
      try {
        const models = (await loaded.get("/v1/models")).body as { data: { id: string }[] };
        expect(models.data.length).toBeGreaterThan(0);
      } finally {
        await loaded.close();
      }
    },
  );
});
