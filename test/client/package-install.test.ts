import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientTestGateway, startClientTestGateway } from "./client-test-gateway.js";

/**
 * The package as npm publishes it (`npm pack`), installed in another project: its name, the files it ships,
 * and `import ... from "switchyard-gateway/client"` working there as docs/client.md says.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  license: string;
};
let scratch: string;
let gateway: ClientTestGateway;
let files: string[];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "switchyard-pack-"));
  // The suite's global setup has built dist/; packing without scripts does not build it again.
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], {
      cwd: ROOT,
      encoding: "utf8",
    }),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]?.files.map((file) => file.path) ?? [];
  // Another project with the package in its node_modules, as `npm install switchyard-gateway` leaves it.
  const installed = join(scratch, "project/node_modules", pkg.name);
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", [
    "-xzf",
    join(scratch, packed[0]?.filename ?? ""),
    "-C",
    installed,
    "--strip-components=1",
  ]);
  writeFileSync(
    join(scratch, "project/package.json"),
    JSON.stringify({ name: "my-app", type: "module", private: true }),
  );
  gateway = await startClientTestGateway(readFileSync(join(ROOT, "examples/switchyard.yaml"), "utf8"));
});

afterAll(async () => {
  await gateway.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("has a publishable name (`switchyard` on npm is another project's) and the license file", () => {
    expect(pkg.name).toBe("switchyard-gateway");
    expect(pkg.license).toBe("Apache-2.0");
    expect(files).toEqual(
      expect.arrayContaining(["LICENSE", "README.md", "package.json", "bin/switchyard.js"]),
    );
  });

  it("ships the compiled client with its types, and no tests or sources", () => {
    expect(files).toEqual(expect.arrayContaining(["dist/client/index.js", "dist/client/index.d.ts"]));
    expect(
      files.filter(
        (file) => file.startsWith("test/") || file.startsWith("src/") || file.endsWith(".test.js"),
      ),
    ).toEqual([]);
  });

  it("works in another project as `switchyard-gateway/client`", async () => {
    const script = `import { GatewayClient } from "switchyard-gateway/client";
const client = new GatewayClient(process.argv[2]);
const reply = await client.query("chat", { messages: [{ role: "user", content: "Hello!" }] });
console.log(reply.candidates[0]?.message.content);`;
    writeFileSync(join(scratch, "project/app.mjs"), script);
    // Asynchronously: the gateway answering it runs in this process.
    const { stdout } = await promisify(execFile)(process.execPath, ["app.mjs", gateway.url], {
      cwd: join(scratch, "project"),
    });
    expect(stdout).toBe("Hello!\n");
  });
});
