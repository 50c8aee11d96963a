import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../support/redis-server.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";
import { runCli } from "./run-cli.js";

/**
 * The acceptance test, run as a new user would: turn keys on, create a key with the CLI, call the OpenAI
 * API with the OpenAI SDK and the MLflow API with curl, revoke, see 401, restart and find keys and the audit log
 * intact; then the same across two gateway processes sharing one Redis.
 */
const PEPPER = "e2e-pepper-0123456789-abcdefgh";
const MASTER_KEY = "sy-master-e2e-0123456789-abcdefghijkl";
const ENV = { SWITCHYARD_KEY_PEPPER: PEPPER, SWITCHYARD_MASTER_KEY: MASTER_KEY };
const hasCurl = requireDebianTool("curl", "curl");
const hasRedis = requireDebianTool("redis-server", "redis-server");
const execFileAsync = promisify(execFile);
/** Several gateway processes start in these tests; on a busy machine each takes seconds. */
const START_TIMEOUT_MS = 60_000;

function configText(store: string): string {
  return `routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: mock, name: mock-echo }
governance:
  store:
${store}
  auth:
    required: true
    pepper: $SWITCHYARD_KEY_PEPPER
    # Longer than any test: a revocation seen here travelled as an event, not through the cache's expiry.
    cache_ttl_seconds: 300
  admin:
    master_keys: [{ name: ops, key: $SWITCHYARD_MASTER_KEY }]
`;
}

async function createKey(url: string, alias: string): Promise<{ key: string; id: string }> {
  const run = await runCli(
    ["keys", "create", "--alias", alias, "--route", "chat", "--gateway-uri", url],
    ENV,
  );
  expect(run.stderr).toContain(`Created key '${alias}'`);
  expect(run.code).toBe(0);
  const key = run.stdout.trim();
  expect(key).toMatch(/^sk-sy-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/);
  return { key, id: key.slice(6, 18) };
}

/** A chat call on a new connection each time (so a cluster's primary hands it to any worker). */
async function chat(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", connection: "close" },
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

async function curlMlflow(url: string, key: string): Promise<{ status: number; body: unknown }> {
  const { stdout } = await execFileAsync("curl", [
    "-s",
    "-w",
    "\n%{http_code}",
    "-H",
    `Authorization: Bearer ${key}`,
    "-H",
    "Content-Type: application/json",
    "-d",
    '{"messages":[{"role":"user","content":"hello from curl"}]}',
    `${url}/gateway/chat/invocations`,
  ]);
  const at = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) };
}

async function admin(url: string, path: string): Promise<unknown> {
  const response = await fetch(`${url}/admin/v1${path}`, {
    headers: { authorization: `Bearer ${MASTER_KEY}` },
  });
  return response.json();
}

/** Polls until every one of `count` fresh calls answers `status` (timeout 0: the first round must). */
async function allAnswer(
  url: string,
  key: string,
  status: number,
  count = 6,
  timeoutMs = 1000,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    const statuses = await Promise.all(Array.from({ length: count }, () => chat(url, key)));
    if (statuses.every((each) => each === status)) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(`still ${statuses.join(",")} after ${timeoutMs} ms`);
  }
}

function scanForSecrets(output: string, keys: readonly string[]): void {
  for (const secret of [PEPPER, MASTER_KEY, ...keys]) expect(output.includes(secret)).toBe(false);
}

describe.runIf(hasCurl)("access control with the embedded store and two workers", () => {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-access-e2e-"));
  const file = join(directory, "switchyard.yaml");
  let gateway: GatewayProcess;
  afterAll(async () => {
    await gateway?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it("creates a key with the CLI, serves the OpenAI SDK and curl, revokes at once on every worker, and keeps everything across a restart", async () => {
    writeFileSync(file, configText("    kind: local"));
    gateway = await startGatewayProcess(["--config-path", file, "--workers", "2"], ENV, START_TIMEOUT_MS);
    expect(gateway.output()).toContain("access control: every inference call needs a gateway key");
    expect(gateway.output()).not.toContain("the gateway is OPEN");
    const url = gateway.url;
    expect(await chat(url, "")).toBe(401);

    const { key, id } = await createKey(url, "e2e-app");
    const survivor = await createKey(url, "survivor");
    const client = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "hello sdk" }],
    });
    expect(completion.choices[0]?.message.content).toContain("hello sdk");
    const mlflow = await curlMlflow(url, key);
    expect(mlflow.status).toBe(200);
    expect(JSON.stringify(mlflow.body)).toContain("hello from curl");
    await allAnswer(url, key, 200);

    const revoke = await runCli(["keys", "revoke", id, "--gateway-uri", url], ENV);
    expect(revoke.stdout).toContain(`Revoked key 'e2e-app' (${id}).`);
    // The very next call, and every call after it on either worker.
    expect(await chat(url, key)).toBe(401);
    await expect(client.models.list()).rejects.toMatchObject({ status: 401 });
    await allAnswer(url, key, 401, 10, 0);
    expect((await curlMlflow(url, key)).status).toBe(401);

    expect(await gateway.stop()).toBe(0);
    gateway = await startGatewayProcess(["--config-path", file, "--workers", "2"], ENV, START_TIMEOUT_MS);
    const after = gateway.url;
    expect(await chat(after, survivor.key)).toBe(200);
    expect(await chat(after, key)).toBe(401);
    const list = await runCli(["keys", "list", "--status", "revoked", "--gateway-uri", after], ENV);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+e2e-app\\s+-\\s+revoked`));
    const audit = (await admin(after, `/audit?object_id=${id}`)) as {
      entries: { action: string; actor: string }[];
    };
    expect(audit.entries.map((entry) => [entry.action, entry.actor])).toEqual([
      ["key.revoke", "master:ops"],
      ["key.create", "master:ops"],
    ]);
    scanForSecrets(gateway.output(), [key, survivor.key]);
  }, 120_000);
});

describe.runIf(hasRedis)("access control with two gateway processes sharing one Redis", () => {
  let redis: RedisServer;
  const directory = mkdtempSync(join(tmpdir(), "switchyard-access-redis-"));
  const gateways: GatewayProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const file = join(directory, "switchyard.yaml");
    writeFileSync(
      file,
      configText("    kind: redis\n    url: $SWITCHYARD_REDIS_URL\n    command_timeout_ms: 200"),
    );
    const env = { ...ENV, SWITCHYARD_REDIS_URL: redis.url };
    gateways.push(
      await startGatewayProcess(["--config-path", file, "--workers", "1"], env, START_TIMEOUT_MS),
    );
    gateways.push(
      await startGatewayProcess(["--config-path", file, "--workers", "2"], env, START_TIMEOUT_MS),
    );
  }, 2 * START_TIMEOUT_MS);
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await redis.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("uses a key created on one replica on the other, and sees a revocation there within a second", async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const { key, id } = await createKey(a.url, "shared");
    expect(await chat(b.url, key)).toBe(200);
    await allAnswer(b.url, key, 200);
    const revoke = await runCli(["keys", "revoke", id, "--gateway-uri", a.url], ENV);
    expect(revoke.code).toBe(0);
    // Pub/sub carries it in milliseconds; the bound is generous for a busy machine, and far below the cache's 300 s.
    await allAnswer(b.url, key, 401, 6, 5000);
    const audit = (await admin(b.url, `/audit?object_id=${id}`)) as { entries: { action: string }[] };
    expect(audit.entries.map((entry) => entry.action)).toEqual(["key.revoke", "key.create"]);
  }, 60_000);

  it("while Redis is down, keeps serving keys it knows and answers 503 governance_unavailable for others", async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const known = await createKey(a.url, "known");
    const stranger = await createKey(a.url, "stranger");
    await allAnswer(b.url, known.key, 200);
    await redis.stop();
    try {
      await allAnswer(b.url, known.key, 200);
      const response = await fetch(`${b.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${stranger.key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(await response.json()).toMatchObject({ error: { code: "governance_unavailable" } });
      const adminCall = await fetch(`${a.url}/admin/v1/keys`, {
        headers: { authorization: `Bearer ${MASTER_KEY}` },
      });
      expect(adminCall.status).toBe(503);
      expect(await adminCall.json()).toMatchObject({ error: { code: "governance_unavailable" } });
      // Not ready (a balancer sends new traffic elsewhere), yet alive (nothing restarts it).
      const ready = await fetch(`${b.url}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        checks: { config: "ok", governance_store: "the governance store does not answer" },
      });
      expect((await fetch(`${b.url}/health`)).status).toBe(200);
    } finally {
      await redis.start();
    }
    await eventually(async () => (await fetch(`${b.url}/ready`)).status === 200);
    scanForSecrets(a.output() + b.output(), [known.key, stranger.key]);
  }, 60_000);
});

/** Polls until the condition holds (a reconnect takes a moment), failing after `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
