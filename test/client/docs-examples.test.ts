import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ClientTestGateway, startClientTestGateway } from "./client-test-gateway.js";

/**
 * Every ```ts block of the client's documentation page (docs/client.md) runs here, against a real gateway on the example config, and every
 * `console.log(...); // text` in it must print exactly that text. The blocks are also type-checked against
 * the client's sources without Node's types, as a browser user would compile them.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLIENT_ENTRY = join(ROOT, "src/client/index.ts");
const DOC_URI = "http://127.0.0.1:5000";

/** The client's documentation page, whole: every example in it. */
const markdown = readFileSync(join(ROOT, "docs/client.md"), "utf8");
const examples = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

/** The text each `console.log` line promises in its trailing comment, in order. */
function promisedOutput(code: string): string[] {
  return code
    .split("\n")
    .filter((line) => line.trimStart().startsWith("console.log("))
    .map((line) => /;\s*\/\/ (.*)$/.exec(line)?.[1] ?? "");
}

let gateway: ClientTestGateway;
let scratch: string;

beforeAll(async () => {
  gateway = await startClientTestGateway(readFileSync(join(ROOT, "examples/switchyard.yaml"), "utf8"));
  scratch = mkdtempSync(join(tmpdir(), "switchyard-docs-"));
});

afterAll(async () => {
  await gateway.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the TypeScript client documentation page", () => {
  it("has a five-line first example", () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(examples[0]?.trimEnd().split("\n")).toHaveLength(5);
  });

  it.each(examples.map((code, index) => [index + 1, code] as const))(
    "example %i runs against the gateway and prints what its comments say",
    async (index, code) => {
      expect(code).toContain(DOC_URI);
      const runnable = code
        .replaceAll('"switchyard-gateway/client"', JSON.stringify(pathToFileURL(CLIENT_ENTRY).href))
        .replaceAll(DOC_URI, gateway.url);
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

  it("type-checks every example as a browser user would compile it", () => {
    const files = examples.map((code, index) => {
      const file = join(scratch, `typed-${index + 1}.mts`);
      writeFileSync(file, code);
      return file;
    });
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
        paths: { "switchyard-gateway/client": [CLIENT_ENTRY] },
      },
      files,
    };
    writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify(config));
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", scratch], { encoding: "utf8" });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    expect(output).toBe("");
  });
});
