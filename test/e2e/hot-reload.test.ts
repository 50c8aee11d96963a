import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  delayed,
  expectNoSpecViolations,
  type MockUpstream,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { createConfigDirectory, mockRoutesYaml, saveAtomically } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

let gateway: GatewayProcess | undefined;
let upstreamA: MockUpstream;
let upstreamB: MockUpstream;

beforeAll(async () => {
  [upstreamA, upstreamB] = await Promise.all([startOpenAIMock(), startOpenAIMock()]);
});
afterAll(async () => {
  await Promise.all([upstreamA.close(), upstreamB.close()]);
});
afterEach(async () => {
  await gateway?.stop("SIGKILL");
  gateway = undefined;
});

function openAIRoutesYaml(baseUrl: string, names: string[]): string {
  return `routes:\n${names
    .map(
      (name) => `  - name: ${name}
    type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4o-mini
      config: { openai_api_key: sk-test-key-0123456789, openai_api_base: "${baseUrl}/v1" }
`,
    )
    .join("")}`;
}

async function routeNames(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/api/2.0/gateway/routes/`)).json()) as {
    routes: { name: string }[];
  };
  return body.routes.map((route) => route.name);
}

/** Polls until every one of `samples` consecutive answers (spread over the workers) lists exactly `expected`. */
async function waitForRoutes(url: string, expected: string[], samples = 12): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const answers = await Promise.all(Array.from({ length: samples }, () => routeNames(url)));
    if (answers.every((names) => JSON.stringify(names) === JSON.stringify(expected))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the gateway never served exactly ${expected.join(", ")}; last: ${(await routeNames(url)).join(", ")}`,
  );
}

/** Clients that query a route without pause until stopped, counting every answer that is not a 200. */
function startTraffic(
  url: string,
  route: string,
  clients = 6,
): { stop: () => Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const client = async (): Promise<void> => {
    while (running) {
      try {
        const response = await fetch(`${url}/gateway/${route}/invocations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ messages: [{ role: "user", content: "ping" }] }),
        });
        const text = await response.text();
        if (response.status === 200) ok++;
        else failed.push(`${response.status} ${text}`);
      } catch (error) {
        failed.push(String(error));
      }
    }
  };
  const all = Array.from({ length: clients }, client);
  return {
    stop: async () => {
      running = false;
      await Promise.all(all);
      return { ok, failed };
    },
  };
}

// Each reload is checked in a fresh process (about half a second, several on a machine busy with other tests),
// and a test makes up to three.
describe("hot reload", { timeout: 60_000 }, () => {
  it("swaps routes and upstreams in every worker with zero failed requests, even with requests in flight", async () => {
    const directory = createConfigDirectory();
    const configPath = join(directory, "switchyard.yaml");
    writeFileSync(configPath, openAIRoutesYaml(upstreamA.url, ["chat"]));
    gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "2"]);
    // Slow answers keep requests in flight across each swap.
    for (let index = 0; index < 400; index++)
      upstreamA.enqueue(delayed(20, { kind: "json", status: 200, body: chatCompletion() }));
    const traffic = startTraffic(gateway.url, "chat");

    saveAtomically(configPath, openAIRoutesYaml(upstreamB.url, ["chat", "chat-2"]));
    await waitForRoutes(gateway.url, ["chat", "chat-2"]);
    writeFileSync(configPath, openAIRoutesYaml(upstreamA.url, ["chat", "chat-3"]));
    await waitForRoutes(gateway.url, ["chat", "chat-3"]);
    saveAtomically(configPath, openAIRoutesYaml(upstreamB.url, ["chat"]));
    await waitForRoutes(gateway.url, ["chat"]);

    const { ok, failed } = await traffic.stop();
    expect(failed).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    // Both upstreams served: the swaps really moved traffic between origins.
    expect(upstreamA.requests.length).toBeGreaterThan(0);
    expect(upstreamB.requests.length).toBeGreaterThan(0);
    expectNoSpecViolations(upstreamA);
    expectNoSpecViolations(upstreamB);
  });

  it("keeps the last good config when the file becomes invalid, and logs the problem with its line", async () => {
    const directory = createConfigDirectory();
    const configPath = join(directory, "switchyard.yaml");
    writeFileSync(configPath, mockRoutesYaml([{ name: "chat" }]));
    gateway = await startGatewayProcess(["--config-path", configPath]);
    saveAtomically(
      configPath,
      `${mockRoutesYaml([{ name: "chat" }, { name: "other" }])}  - name: broken\n    type: llm/v1/nope\n    model: { provider: mock }\n`,
    );
    await gateway.waitForOutput(
      /config not reloaded: .*switchyard\.yaml:\d+:\d+: route 'broken', field type: unsupported route type 'llm\/v1\/nope'/,
    );
    await gateway.waitForOutput(/keeping the last good configuration/);
    expect(await routeNames(gateway.url)).toEqual(["chat"]);
    saveAtomically(configPath, mockRoutesYaml([{ name: "chat" }, { name: "fixed" }]));
    await waitForRoutes(gateway.url, ["chat", "fixed"]);
  });

  it("keeps serving when the file is deleted, and loads it again when it comes back", async () => {
    const directory = createConfigDirectory();
    const configPath = join(directory, "switchyard.yaml");
    writeFileSync(configPath, mockRoutesYaml([{ name: "chat" }]));
    gateway = await startGatewayProcess(["--config-path", configPath]);
    rmSync(configPath);
    await gateway.waitForOutput(/the config file was deleted; keeping the last good configuration/);
    expect((await fetch(`${gateway.url}/api/2.0/gateway/routes/chat`)).status).toBe(200);
    writeFileSync(configPath, mockRoutesYaml([{ name: "back" }]));
    await waitForRoutes(gateway.url, ["back"]);
  });

  it("reloads on SIGHUP, also when file watching is off", async () => {
    const directory = createConfigDirectory();
    const configPath = join(directory, "switchyard.yaml");
    writeFileSync(configPath, mockRoutesYaml([{ name: "chat" }]));
    gateway = await startGatewayProcess(["--config-path", configPath, "--no-watch"]);
    writeFileSync(configPath, mockRoutesYaml([{ name: "after-hup" }]));
    gateway.child.kill("SIGHUP");
    await waitForRoutes(gateway.url, ["after-hup"]);
    await gateway.waitForOutput(/"reason":"SIGHUP".*configuration reloaded: after-hup/);
  });
});

function chatCompletion(): unknown {
  return {
    id: "chatcmpl-reload",
    object: "chat.completion",
    created: 1700000000,
    model: "gpt-4o-mini",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "pong", refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}
