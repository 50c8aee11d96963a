import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../support/redis-server.js";
import { createConfigDirectory, mockRoutesYaml } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * The Responses API's store in Redis, shared by two gateway processes (as two replicas behind a load balancer
 * would be): one is configured by `responses.store.kind: redis`, the other only has a Redis governance store,
 * which the response store then uses by default. A response created through one is retrieved, continued and
 * deleted through the other; the store keeps its retention (Redis TTL) and its count and byte bounds; and a
 * Redis that does not answer is a 503 for what needs it, never a failed answer for what does not.
 */
const hasRedis = requireDebianTool("redis-server", "redis-server");
const START_TIMEOUT_MS = 60_000;
const RETENTION_SECONDS = 600;
const MAX_RESPONSES = 4;
const MAX_BYTES = 1024 * 1024;

let redis: RedisServer;
let inspector: Redis;
let first: GatewayProcess;
let second: GatewayProcess;
let viaFirst: OpenAI;
let viaSecond: OpenAI;

function client(gateway: GatewayProcess): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
}

async function startWith(tail: string): Promise<GatewayProcess> {
  const directory = createConfigDirectory();
  const configPath = join(directory, "switchyard.yaml");
  writeFileSync(configPath, `${mockRoutesYaml([{ name: "chat" }])}${tail}`);
  return startGatewayProcess(["--config-path", configPath], {}, START_TIMEOUT_MS);
}

describe.skipIf(!hasRedis)("stored responses in Redis, across two gateway processes", () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    inspector = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    inspector.on("error", () => {});
    const limits = `    retention_seconds: ${RETENTION_SECONDS}\n    max_responses: ${MAX_RESPONSES}\n    max_bytes: ${MAX_BYTES}\n`;
    first = await startWith(`responses:\n  store:\n    kind: redis\n    url: ${redis.url}\n${limits}`);
    second = await startWith(
      `governance:\n  store:\n    kind: redis\n    url: ${redis.url}\nresponses:\n  store:\n${limits}`,
    );
    viaFirst = client(first);
    viaSecond = client(second);
  }, 2 * START_TIMEOUT_MS);
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    inspector?.disconnect();
    await redis?.close();
  }, START_TIMEOUT_MS);

  it("continues through one process a response created through the other, and retrieves it there", async () => {
    const created = await viaFirst.responses.create({ model: "chat", input: "My name is Ada." });
    expect((created as { store?: boolean }).store).toBe(true);
    const retrieved = await viaSecond.responses.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, output_text: "My name is Ada." });
    const alone = await viaSecond.responses.create({
      model: "chat",
      input: "What is my name?",
      store: false,
    });
    const continued = await viaSecond.responses.create({
      model: "chat",
      input: "What is my name?",
      previous_response_id: created.id,
    });
    expect(continued.previous_response_id).toBe(created.id);
    // The mock counts every word it is sent: the stored turn came from Redis and went up with the new one.
    expect(continued.usage?.input_tokens).toBeGreaterThan(alone.usage?.input_tokens ?? Number.MAX_VALUE);
    const back = await viaFirst.responses.create({
      model: "chat",
      input: "And again?",
      previous_response_id: continued.id,
    });
    expect(back.usage?.input_tokens).toBeGreaterThan(continued.usage?.input_tokens ?? Number.MAX_VALUE);
  });

  it("finds a stored item by reference through the other process", async () => {
    const created = await viaSecond.responses.create({ model: "chat", input: "Remember the number 42." });
    const item = created.output[0];
    expect(item?.id).toBeDefined();
    const question = [{ role: "user" as const, content: "Which number?" }];
    const alone = await viaFirst.responses.create({ model: "chat", input: question, store: false });
    const referenced = await viaFirst.responses.create({
      model: "chat",
      input: [{ type: "item_reference", id: item?.id ?? "" }, ...question],
      store: false,
    });
    expect(referenced.status).toBe("completed");
    // The mock counts every word it is sent: the referenced item came from Redis and went up too.
    expect(referenced.usage?.input_tokens).toBeGreaterThan(alone.usage?.input_tokens ?? Number.MAX_VALUE);
  });

  it("deletes through one process what the other then no longer finds", async () => {
    const created = await viaFirst.responses.create({ model: "chat", input: "Forget me." });
    await viaSecond.responses.delete(created.id);
    const error = await viaFirst.responses.retrieve(created.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("keeps each response for the retention time, as a Redis TTL", async () => {
    const created = await viaFirst.responses.create({ model: "chat", input: "Kept for a while." });
    await inspector.connect().catch(() => {});
    const keys = await inspector.keys(`*r:${created.id}`);
    expect(keys).toHaveLength(1);
    const ttl = await inspector.pttl(keys[0] ?? "");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RETENTION_SECONDS * 1000);
  });

  it("drops the oldest responses beyond max_responses, whichever process stored them", async () => {
    const ids: string[] = [];
    for (let turn = 0; turn <= MAX_RESPONSES; turn++) {
      const via = turn % 2 === 0 ? viaFirst : viaSecond;
      ids.push((await via.responses.create({ model: "chat", input: `Turn ${turn}` })).id);
    }
    const oldest = await viaSecond.responses.retrieve(ids[0] ?? "").catch((caught: unknown) => caught);
    expect(oldest).toBeInstanceOf(OpenAI.NotFoundError);
    for (const id of ids.slice(1)) expect((await viaFirst.responses.retrieve(id)).id).toBe(id);
  });

  it("drops the oldest responses beyond max_bytes, and refuses to continue from one that is gone", async () => {
    const large = "word ".repeat(80_000);
    const ids: string[] = [];
    for (let turn = 0; turn < 3; turn++)
      ids.push((await viaFirst.responses.create({ model: "chat", input: `${large}${turn}` })).id);
    // Three of about 400 KB (input and echoed output) do not fit in 1 MiB: the first went.
    const error = await viaSecond.responses
      .create({ model: "chat", input: "Go on", previous_response_id: ids[0] ?? "" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("previous_response_id");
    expect((await viaSecond.responses.retrieve(ids[2] ?? "")).id).toBe(ids[2]);
  });

  it("answers 503 for what needs the store while Redis is down, and still answers what does not", async () => {
    const created = await viaFirst.responses.create({ model: "chat", input: "Before the outage." });
    await redis.stop();
    try {
      const error = await viaSecond.responses.retrieve(created.id).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("1");
      expect((error as Error).message).toContain("response store");
      const answered = await viaFirst.responses.create({ model: "chat", input: "During the outage." });
      expect(answered.output_text).toBe("During the outage.");
    } finally {
      await redis.start();
    }
  });
});
