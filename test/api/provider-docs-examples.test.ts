import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import { RouteTable } from "../../src/routing/route-table.js";
import { UpstreamPools } from "../../src/routing/upstream-pools.js";
import { testServiceAccountJson } from "../mock-upstream/index.js";

/**
 * Every config example of docs/providers.md loads as written and builds its targets: each `$VARIABLE` it names
 * set, and the service-account key file it names present (at a temporary path: /etc is not ours to write).
 */

const PAGE = readFileSync(new URL("../../docs/providers.md", import.meta.url), "utf8");
const KEY_FILE = "/etc/switchyard/vertex-service-account.json";
const examples = [...PAGE.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((match) => match[1] as string)
  .filter((yaml) => yaml.startsWith("routes:"));

let directory: string;
let keyFile: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "switchyard-docs-"));
  keyFile = join(directory, "vertex-service-account.json");
  await writeFile(keyFile, testServiceAccountJson("https://oauth2.googleapis.com/token"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("the config examples of docs/providers.md", () => {
  it("has examples for Gemini, Vertex AI and Bedrock", () => {
    const providers = examples.join("\n");
    for (const provider of ["gemini", "vertex_ai", "bedrock", "amazon-bedrock"]) {
      expect(providers).toContain(`provider: ${provider}\n`);
    }
  });

  for (const [index, example] of examples.entries()) {
    it(`loads example ${index + 1} (${example.match(/name: (\S+)/)?.[1]}) and builds its targets`, async () => {
      const env = Object.fromEntries(
        [...example.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)].map((match) => [
          match[1],
          match[1] === "VERTEX_CREDENTIALS"
            ? testServiceAccountJson("https://oauth2.googleapis.com/token")
            : `${match[1]?.toLowerCase()}-example-value`,
        ]),
      );
      const parsed = parseConfig(example.replaceAll(KEY_FILE, keyFile), join(directory, "c.yaml"), env);
      expect(parsed.ok ? [] : parsed.issues).toEqual([]);
      if (!parsed.ok) return;
      const pools = new UpstreamPools();
      const table = await RouteTable.build(parsed.config, pools);
      expect(table.routes.map((route) => route.name)).toEqual(
        parsed.config.routes.map((route) => route.name),
      );
      table.retire();
    });
  }
});
