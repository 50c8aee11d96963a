import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoutesView } from "../../src/console/console-wire.js";
import { createConfigDirectory } from "../e2e/config-files.js";
import { type GatewayProcess, startGatewayProcess } from "../e2e/gateway-process.js";
import { closedPortUrl } from "../support/closed-port-url.js";

/**
 * The console of a gateway with several workers: breakers live in each worker, but the console's data has one
 * owner (the primary), so whichever worker answers shows the same routes, breaker states and counts, all
 * workers included.
 */

let gateway: GatewayProcess;

/** One request on a connection of its own, so the cluster hands successive requests to different workers. */
function send(
  method: "GET" | "POST",
  url: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method, agent: false, headers: { "content-type": "application/json" } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const chat = (route: string) =>
  send("POST", `${gateway.url}/v1/chat/completions`, {
    model: route,
    messages: [{ role: "user", content: "hi" }],
  });

beforeAll(async () => {
  const directory = createConfigDirectory();
  const config = join(directory, "switchyard.yaml");
  writeFileSync(
    config,
    JSON.stringify({
      routes: [
        { name: "chat", type: "llm/v1/chat", model: { provider: "mock", name: "mock-echo" } },
        {
          name: "down",
          type: "llm/v1/chat",
          model: {
            provider: "openai",
            name: "gpt-down",
            config: {
              openai_api_key: "sk-console-cluster-test",
              openai_api_base: `${await closedPortUrl()}/v1`,
            },
          },
          retries: { max_attempts: 1 },
          circuit_breaker: { failure_threshold: 1, cooldown_seconds: 300 },
        },
        {
          name: "down-once",
          type: "llm/v1/chat",
          model: {
            provider: "openai",
            name: "gpt-down-once",
            config: {
              openai_api_key: "sk-console-cluster-test",
              openai_api_base: `${await closedPortUrl()}/v1`,
            },
          },
          retries: { max_attempts: 1 },
          circuit_breaker: { failure_threshold: 1, cooldown_seconds: 300 },
        },
      ],
    }),
  );
  gateway = await startGatewayProcess(["--config-path", config, "--workers", "2", "--no-watch"]);
});

afterAll(async () => {
  await gateway?.stop();
});

describe("the console of a gateway with two workers", () => {
  it("shows the same routes, breaker states and traffic whichever worker answers", async () => {
    expect(gateway.output()).toContain(`web console at ${gateway.url}/ui`);
    for (let index = 0; index < 6; index++) {
      expect((await chat("chat")).status).toBe(200);
      expect((await chat("down")).status).toBeGreaterThanOrEqual(500);
    }
    const view = async (): Promise<RoutesView> =>
      JSON.parse((await send("GET", `${gateway.url}/ui/api/routes`)).text);
    // Both workers' seconds reach the owner just after each second ends.
    await expect
      .poll(async () => (await view()).routes.map((route) => route.requestsPerMinute), { timeout: 10_000 })
      .toEqual([6, 6, 0]);

    const views = [];
    for (let index = 0; index < 6; index++) views.push(await view());
    const comparable = views.map((each) => ({
      workers: each.workers,
      routes: each.routes.map((route) => ({
        ...route,
        targets: route.targets.map((target) => ({ ...target, retryInMs: undefined })),
      })),
    }));
    for (const each of comparable) expect(each).toEqual(comparable[0]);
    const first = comparable[0];
    expect(first?.workers).toBe(2);
    const down = first?.routes.find((route) => route.name === "down");
    expect(down?.errorRate).toBe(1);
    const target = down?.targets[0];
    expect(target?.state).toBe("open");
    expect(Object.values(target?.workers ?? {}).reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(target?.lastError?.message).toBeTruthy();
    expect(JSON.stringify(views)).not.toContain("sk-console-cluster-test");
  });

  it("shows a circuit one worker opened as open in every worker (shared breaker state)", async () => {
    // One request: one worker finds the outage; the other learns of it from the first, not from traffic.
    expect((await chat("down-once")).status).toBeGreaterThanOrEqual(500);
    const target = async () => {
      const view: RoutesView = JSON.parse((await send("GET", `${gateway.url}/ui/api/routes`)).text);
      return view.routes.find((route) => route.name === "down-once")?.targets[0];
    };
    await expect.poll(async () => (await target())?.workers, { timeout: 10_000 }).toEqual({ open: 2 });
    // The failure that opened it travels with the news.
    expect((await target())?.lastError?.message).toContain("OpenAI");
  });
});
