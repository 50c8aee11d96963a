import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { testServiceAccountJson } from "../mock-upstream/index.js";

/**
 * A provider's heavy code (its dialect's codecs, jose, the AWS SDK's signer and credential providers) loads only
 * in a gateway whose routes use that provider, so a worker serving other providers starts no slower and holds
 * no more memory for it. Each case builds a gateway in a fresh process (module-loading-program.mjs, from dist/)
 * and looks at every module Node resolved.
 */

const PROGRAM = fileURLToPath(new URL("./module-loading-program.mjs", import.meta.url));
const run = promisify(execFile);

async function modulesLoadedFor(provider: string, model: string, config: unknown): Promise<string[]> {
  const yaml = `routes:\n  - name: r\n    type: llm/v1/chat\n    model: { provider: ${provider}, name: "${model}", config: ${JSON.stringify(config)} }\n`;
  const { stdout } = await run(process.execPath, [PROGRAM, yaml], { timeout: 30_000 });
  return JSON.parse(stdout) as string[];
}

const packageOf = (url: string) => url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
const packages = (urls: string[]) => new Set(urls.map(packageOf).filter((name) => name !== undefined));
const gatewayModules = (urls: string[]) =>
  urls.map((url) => url.match(/\/dist\/(.+)$/)?.[1]).filter((path) => path !== undefined);

const HEAVY_PACKAGES = [
  "@smithy/core",
  "@smithy/signature-v4",
  "@smithy/hash-node",
  "@aws-sdk/credential-providers",
  "jose",
];
/** The target modules and codecs; bedrock-invoke/embedding-family.js is small and checks models at config load. */
const TARGET_MODULES =
  /^providers\/(gemini|vertex|bedrock)-target\.js$|^dialects\/(gemini|bedrock-converse)\/|^dialects\/bedrock-invoke\/(?!embedding-family\.js$)/;

describe("provider code loads only where a route uses the provider", () => {
  it("loads none of the Gemini, Vertex AI or Bedrock code, jose or the AWS SDK for an OpenAI route", async () => {
    const urls = await modulesLoadedFor("openai", "gpt-4o-mini", { openai_api_key: "sk-test" });
    expect(gatewayModules(urls)).toContain("providers/openai.js");
    expect(HEAVY_PACKAGES.filter((name) => packages(urls).has(name))).toEqual([]);
    expect(gatewayModules(urls).filter((path) => TARGET_MODULES.test(path))).toEqual([]);
  });

  it("loads undici's pool and request API, not the rest of undici (fetch, WebSocket, caches, mocks)", async () => {
    const urls = await modulesLoadedFor("openai", "gpt-4o-mini", { openai_api_key: "sk-test" });
    const undici = urls
      .map((url) => url.match(/\/node_modules\/undici\/(.+)$/)?.[1])
      .filter((path) => path !== undefined);
    expect(undici).toContain("lib/dispatcher/pool.js");
    expect(undici).toContain("lib/api/api-request.js");
    expect(undici.filter((path) => /^index\.js$|^lib\/(web|mock|cache|interceptor)\//.test(path))).toEqual(
      [],
    );
  });

  it("loads Bedrock's target and the SDK's signer for a Bedrock route, the credential providers only when a request needs them", async () => {
    const urls = await modulesLoadedFor("bedrock", "amazon.nova-pro-v1:0", {
      aws_config: { aws_region: "us-east-1", aws_role_arn: "arn:aws:iam::123456789012:role/gateway" },
    });
    expect(gatewayModules(urls)).toContain("providers/bedrock-target.js");
    expect(packages(urls).has("@smithy/signature-v4")).toBe(true);
    expect(packages(urls).has("@aws-sdk/credential-providers")).toBe(false);
    expect(packages(urls).has("jose")).toBe(false);
  });

  it("loads jose with Vertex AI's target, and nothing of Bedrock", async () => {
    const urls = await modulesLoadedFor("vertex_ai", "gemini-2.5-flash", {
      vertex_credentials: testServiceAccountJson("https://oauth2.googleapis.com/token"),
    });
    expect(gatewayModules(urls)).toContain("providers/vertex-target.js");
    expect(packages(urls).has("jose")).toBe(true);
    expect(HEAVY_PACKAGES.filter((name) => name !== "jose" && packages(urls).has(name))).toEqual([]);
  });

  it("loads the Gemini codecs and no SDK for a Gemini API route", async () => {
    const urls = await modulesLoadedFor("gemini", "gemini-2.5-flash", { gemini_api_key: "AIza-test" });
    expect(gatewayModules(urls)).toContain("providers/gemini-target.js");
    expect(HEAVY_PACKAGES.filter((name) => packages(urls).has(name))).toEqual([]);
  });
});
