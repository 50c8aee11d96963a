import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../support/redis-server.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * The first "done when": MLflow's `limit:` block on a route, under `--workers 2`, refuses the call over
 * it; and a limit set through MLflow's limits API applies on every worker at once and survives a restart.
 */
let directory: string;
let config: string;
let gateway: GatewayProcess | undefined;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "switchyard-mlflow-limits-"));
  config = join(directory, "switchyard.yaml");
  writeFileSync(
    config,
    [
      "routes:",
      "  - name: chat",
      "    type: llm/v1/chat",
      "    limit: {renewal_period: minute, calls: 3}",
      "    model: {provider: mock, name: mock-echo}",
      "  - name: other",
      "    type: llm/v1/chat",
      "    limit: {renewal_period: hour, calls: 100}",
      "    model: {provider: mock, name: mock-echo}",
      "governance:",
      "  usage_log: {sinks: []}",
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await gateway?.stop("SIGKILL");
  rmSync(directory, { recursive: true, force: true });
});

const start = () => startGatewayProcess(["--config-path", config, "--workers", "2", "--no-watch"]);

/** One MLflow query on a connection of its own, so the cluster spreads them over both workers. */
async function query(route: string, on = gateway?.url): Promise<number> {
  const response = await request(`${on}/gateway/${route}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json", connection: "close" },
    body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.body.dump();
  return response.statusCode;
}

async function statuses(route: string, total: number): Promise<number[]> {
  const answers: number[] = [];
  for (let index = 0; index < total; index++) answers.push(await query(route));
  return answers;
}

async function json(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  on = gateway?.url,
): Promise<unknown> {
  const response = await request(`${on}${path}`, {
    method,
    headers: { "content-type": "application/json", connection: "close" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(response.statusCode).toBe(200);
  return response.body.json();
}

describe("MLflow's limits with two workers", () => {
  it("refuses the call over a route's limit: whichever worker serves it", async () => {
    gateway = await start();
    const answers = await statuses("chat", 8);
    expect(answers.slice(0, 3)).toEqual([200, 200, 200]);
    expect(answers.slice(3)).toEqual([429, 429, 429, 429, 429]);
  }, 60_000);

  it("applies limits set through set_limits on every worker, and keeps them across a restart", async () => {
    expect(
      await json("POST", "/api/2.0/gateway/limits/", {
        route: "other",
        limits: [{ calls: 4, renewal_period: "day" }],
      }),
    ).toEqual({ limits: [{ calls: 4, key: null, renewal_period: "day" }] });
    // The file's 100 an hour would admit all ten on either worker.
    const answers = await statuses("other", 10);
    expect(answers.filter((status) => status === 200)).toHaveLength(4);
    expect(answers.slice(4).every((status) => status === 429)).toBe(true);
    await gateway?.stop("SIGTERM");
    gateway = await start();
    expect(await json("GET", "/api/2.0/gateway/limits/other")).toEqual({
      limits: [{ calls: 4, key: null, renewal_period: "day" }],
    });
    expect(await json("GET", "/api/2.0/endpoints/other")).toMatchObject({
      limit: { calls: 4, key: null, renewal_period: "day" },
    });
    expect(await json("GET", "/api/2.0/gateway/limits/chat")).toEqual({
      limits: [{ calls: 3, key: null, renewal_period: "minute" }],
    });
  }, 90_000);
});

const hasRedis = requireDebianTool("redis-server", "redis-server");

describe.runIf(hasRedis)("MLflow's limits on gateways sharing Redis", () => {
  let redis: RedisServer;
  const replicas: GatewayProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = join(directory, "redis.yaml");
    writeFileSync(
      shared,
      [
        "routes:",
        "  - name: chat",
        "    type: llm/v1/chat",
        "    model: {provider: mock, name: mock-echo}",
        "governance:",
        `  store: {kind: redis, url: "${redis.url}", command_timeout_ms: 3000}`,
        "  usage_log: {sinks: []}",
        "",
      ].join("\n"),
    );
    for (let index = 0; index < 2; index++)
      replicas.push(await startGatewayProcess(["--config-path", shared, "--workers", "1", "--no-watch"]));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop("SIGKILL")));
    await redis?.close();
  });

  it("applies a limit set on one replica on every replica, counted once across them", async () => {
    const [a, b] = replicas.map((replica) => replica.url) as [string, string];
    await json(
      "POST",
      "/api/2.0/gateway/limits",
      { route: "chat", limits: [{ calls: 3, renewal_period: "day" }] },
      a,
    );
    // Replica B reads the limits replicas set from Redis (it polls every 2 s): wait until it shows them.
    let seen: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      seen = await json("GET", "/api/2.0/gateway/limits/chat", undefined, b);
      if ((seen as { limits: unknown[] }).limits.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen).toEqual({ limits: [{ calls: 3, key: null, renewal_period: "day" }] });
    const answers: number[] = [];
    for (let index = 0; index < 8; index++) answers.push(await query("chat", index % 2 === 0 ? a : b));
    expect(answers.filter((status) => status === 200)).toHaveLength(3);
    expect(answers.filter((status) => status === 429)).toHaveLength(5);
  }, 60_000);
});
