import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createConfigDirectory, mockRoutesYaml } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

let gateway: GatewayProcess | undefined;
afterEach(async () => {
  await gateway?.stop("SIGKILL");
  gateway = undefined;
});

async function waitUntilInFlight(url: string, route: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    if (metrics.includes(`switchyard_requests_in_flight{route="${route}"} 1`)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`route '${route}' never had a request in flight`);
}

function chat(url: string, route: string, content = "hello"): Promise<Response> {
  return fetch(`${url}/gateway/${route}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content }] }),
  });
}

describe("switchyard start", () => {
  it("serves the bundled example config: health, routes, and a query of every route type", async () => {
    gateway = await startGatewayProcess(["--config-path", "examples/switchyard.yaml"]);
    expect(await (await fetch(`${gateway.url}/health`)).json()).toEqual({ status: "OK" });
    const list = (await (await fetch(`${gateway.url}/api/2.0/gateway/routes/`)).json()) as {
      routes: { name: string }[];
    };
    expect(list.routes.map((route) => route.name)).toEqual(["chat", "completions", "embeddings"]);

    const chatBody = await (await chat(gateway.url, "chat", "Hello there")).json();
    expect(chatBody).toMatchObject({
      candidates: [{ message: { role: "assistant", content: "Hello there" } }],
    });
    const completions = await fetch(`${gateway.url}/gateway/completions/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Once upon a time" }),
    });
    expect(await completions.json()).toMatchObject({ candidates: [{ text: "Once upon a time" }] });
    const embeddings = await fetch(`${gateway.url}/gateway/embeddings/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: ["a", "b"] }),
    });
    const vectors = (await embeddings.json()) as { embeddings: number[][] };
    expect(vectors.embeddings).toHaveLength(2);
    expect(vectors.embeddings[0]).toHaveLength(8);
  });

  it("keeps serving when nobody reads its standard output any more", async () => {
    gateway = await startGatewayProcess(["--config-path", "examples/switchyard.yaml", "--workers", "1"]);
    // The reader goes away: every later write to the pipe (log lines, usage records) fails with EPIPE.
    gateway.child.stdout?.destroy();
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < 15; index++) statuses.push((await chat(gateway.url, "chat")).status);
      // Past the log's 250 ms batch timer, so the lines of this round are written (and fail) before the next.
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(statuses).toEqual(new Array(30).fill(200));
    expect(await (await fetch(`${gateway.url}/health`)).json()).toEqual({ status: "OK" });
    expect(gateway.child.exitCode).toBeNull();
    expect(gateway.output()).not.toMatch(/EPIPE|worker .* died/i);
  });

  it("prints a line per route and runs the requested number of worker processes", async () => {
    gateway = await startGatewayProcess(["--config-path", "examples/switchyard.yaml", "--workers", "3"]);
    const output = gateway.output();
    expect(output).toContain("route chat: llm/v1/chat -> mock/mock-echo");
    expect(output).toContain("route embeddings: llm/v1/embeddings -> mock/mock-embed");
    // The example config turns no keys on: the start-up log says plainly that anyone can call.
    expect(output).toMatch(/"level":40,.*the gateway is OPEN: governance\.auth\.required is not set/);
    expect(output).not.toContain("access control: every inference call needs a gateway key");
    const workerPids = new Set(
      [...output.matchAll(/"pid":(\d+),"msg":"Server listening/g)].map((match) => match[1]),
    );
    expect(workerPids.size).toBe(3);
    expect(workerPids.has(String(gateway.child.pid))).toBe(false);
  });

  it("takes the config path from SWITCHYARD_CONFIG when --config-path is absent", async () => {
    gateway = await startGatewayProcess([], { SWITCHYARD_CONFIG: "examples/switchyard.yaml" });
    expect((await fetch(`${gateway.url}/api/2.0/gateway/routes/chat`)).status).toBe(200);
  });

  it("lets a request in flight finish on SIGTERM, then exits 0", async () => {
    const directory = createConfigDirectory();
    const configPath = join(directory, "config.yaml");
    writeFileSync(configPath, mockRoutesYaml([{ name: "slow", latencyMs: 3000 }]));
    gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "1"]);
    const pending = chat(gateway.url, "slow", "still here");
    // SIGTERM only once the gateway is serving the request (a busy machine may take a while to deliver it).
    await waitUntilInFlight(gateway.url, "slow");
    const exitCode = gateway.stop("SIGTERM");
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ candidates: [{ message: { content: "still here" } }] });
    expect(await exitCode).toBe(0);
  });

  it("exits 1 saying what to do when its port is taken, instead of running without listening", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const failure = await startGatewayProcess([
        "--config-path",
        "examples/switchyard.yaml",
        "--port",
        String(port),
      ]).then(
        (started) => {
          gateway = started;
          return new Error("the gateway started on a taken port");
        },
        (error: Error) => error,
      );
      expect(failure.message).toContain("exited with code 1 before listening");
      expect(failure.message).toContain(`port ${port} is already in use; choose another with --port`);
      // No stack trace, and no blame on the configuration.
      expect(failure.message).not.toMatch(/\n\s+at /);
      expect(failure.message).not.toContain("could not apply the configuration");
    } finally {
      taken.close();
    }
  });

  it("refuses to start on an invalid config and says where the problem is", async () => {
    const directory = createConfigDirectory();
    const configPath = join(directory, "config.yaml");
    writeFileSync(
      configPath,
      "routes:\n  - name: chat\n    type: llm/v1/chat\n    model:\n      provider: nope\n",
    );
    await expect(startGatewayProcess(["--config-path", configPath])).rejects.toThrow(
      /config\.yaml:5:17: route 'chat', field model\.provider: unknown provider 'nope'/,
    );
  });
});
