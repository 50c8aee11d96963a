import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../../../test/support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../../../test/support/redis-server.js";
import { createRedisConnection, governanceKey, whenReady } from "./redis-connection.js";

const hasRedis = requireDebianTool("redis-server", "redis-server");

describe.runIf(hasRedis)("the governance Redis connection, against a real redis-server", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.close();
  });

  it("runs commands and fails at once, not after retries, while Redis is down; then reconnects", async () => {
    const connection = createRedisConnection({ url: redis.url, commandTimeoutMs: 200 });
    try {
      expect(await whenReady(connection, 5000)).toBe(true);
      await expect(connection.set(governanceKey("sy", "probe"), "1")).resolves.toBe("OK");
      await redis.stop();
      // Refused without queueing: ioredis's defaults would hold the command through 20 reconnection retries.
      await expect(connection.get(governanceKey("sy", "probe"))).rejects.toThrow(/enableOfflineQueue/);
      await redis.start();
      expect(await whenReady(connection, 10_000)).toBe(true);
      await expect(connection.ping()).resolves.toBe("PONG");
    } finally {
      connection.disconnect();
    }
  });

  it("names every key with the hash tag first", () => {
    expect(governanceKey("sy", "key", "ci0bot0search")).toBe("{sy}:key:ci0bot0search");
  });
});
