import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayProcess, startGatewayProcess } from "../e2e/gateway-process.js";
import { requireDebianTool } from "../support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../support/redis-server.js";
import { type CountingUpstream, startCountingUpstream } from "./counting-upstream.js";
import { writeFleetConfig } from "./fleet-config.js";
import { closeAgent, count, fire } from "./load.js";

const hasRedis = requireDebianTool("redis-server", "redis-server");

let upstream: CountingUpstream;
beforeAll(async () => {
  upstream = await startCountingUpstream();
});
afterAll(async () => {
  await closeAgent();
  await upstream.close();
});

/**
 * The control run: the same burst test against a limiter that reads, decides and writes in separate round
 * trips (a test-only flag). It must overshoot, which shows the suite can tell an exact limiter from a broken one.
 */
describe.runIf(hasRedis)("the suite's control: a deliberately non-atomic limiter", () => {
  let redis: RedisServer;
  const processes: GatewayProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const config = writeFleetConfig(upstream.url, [
      "kind: redis",
      `url: ${redis.url}`,
      "command_timeout_ms: 3000",
    ]);
    for (let index = 0; index < 3; index++) {
      processes.push(
        await startGatewayProcess(["--config-path", config, "--workers", "1", "--no-watch"], {
          // Test-only hooks are read only under NODE_ENV=test.
          NODE_ENV: "test",
          SWITCHYARD_TEST_NAIVE_LIMITER: "1",
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop("SIGKILL")));
    await redis?.close();
  });

  it("is caught admitting more than the burst allows", async () => {
    const inspect = new Redis(redis.url);
    try {
      const statuses = await fire(
        processes.map((process) => process.url),
        "burst",
        900,
        60,
      );
      expect(count(statuses, 200)).toBeGreaterThan(300);
    } finally {
      inspect.disconnect();
    }
  });
});

/** The embedded store: one owner process decides for every worker, so `--workers 2` changes nothing. */
describe("limits with the embedded store and two workers", () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    const config = writeFleetConfig(upstream.url, ["kind: local"]);
    gateway = await startGatewayProcess(["--config-path", config, "--workers", "2", "--no-watch"]);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop("SIGKILL");
  });

  it("admits exactly the burst, whichever worker serves each request", async () => {
    const statuses = await fire([gateway.url], "burst", 450, 40);
    expect(count(statuses, 200)).toBe(300);
    expect(count(statuses, 429)).toBe(150);
  });

  it("never has more requests in flight than the concurrency limit", async () => {
    upstream.configure("inflight", { delayMs: 15, promptTokens: 1, completionTokens: 1 });
    upstream.reset();
    const statuses = await fire([gateway.url], "inflight", 160, 24);
    expect(count(statuses, 200)).toBeGreaterThan(0);
    expect(upstream.maxInFlight).toBeLessThanOrEqual(5);
  });

  it("never spends more than a budget", async () => {
    upstream.configure("budget", { delayMs: 5, promptTokens: 10, completionTokens: 10 });
    const statuses = await fire([gateway.url], "budget", 120, 24);
    const admitted = count(statuses, 200);
    expect(admitted).toBeGreaterThan(0);
    expect(admitted * 20_000_000).toBeLessThanOrEqual(1_000_000_000);
    expect(count(statuses, 429)).toBe(120 - admitted);
  });
});
