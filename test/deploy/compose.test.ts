import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../src/config/parse-config.js";

/** compose.yaml: the gateway (two replicas) and Redis, checked as far as a machine without Docker can. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Service {
  build?: string;
  image?: string;
  deploy?: { replicas?: number };
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
  stop_grace_period?: string;
}

const compose = parse(readFileSync(join(ROOT, "compose.yaml"), "utf8"), {
  strict: true,
  uniqueKeys: true,
}) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const gateway = compose.services.gateway as Service;
const redis = compose.services.redis as Service;

describe("compose.yaml", () => {
  it("has the gateway, built from this repository's Dockerfile, and Redis", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["gateway", "redis"]);
    expect(gateway.build).toBe(".");
    expect(existsSync(join(ROOT, gateway.build ?? "", "Dockerfile"))).toBe(true);
    expect(redis.image).toMatch(/^redis:\d/);
  });

  it("runs several gateway replicas, each on a host port of its own mapped to the container's port", () => {
    const replicas = gateway.deploy?.replicas ?? 1;
    expect(replicas).toBeGreaterThan(1);
    const [mapping] = gateway.ports ?? [];
    const match = /^(\d+)-(\d+):(\d+)$/.exec(mapping ?? "");
    expect(match).not.toBeNull();
    const [, first, last, container] = (match ?? []).map(Number);
    expect((last ?? 0) - (first ?? 0) + 1).toBe(replicas);
    expect(container).toBe(5000);
  });

  it("gives the gateway the Redis URL, starts it once Redis answers, and lets it drain on stop", () => {
    expect(gateway.environment?.SWITCHYARD_REDIS_URL).toBe("redis://redis:6379");
    expect(gateway.depends_on?.redis?.condition).toBe("service_healthy");
    expect(redis.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
    // Longer than the gateway's default shutdown timeout (30 s), so requests in flight can finish.
    expect(Number.parseInt(gateway.stop_grace_period ?? "10", 10)).toBeGreaterThan(30);
  });

  it("mounts a config that exists and is valid, where SWITCHYARD_CONFIG says", () => {
    const mount = (gateway.volumes ?? []).find((volume) => volume.includes(":/etc/switchyard/"));
    const [source = "", target] = (mount ?? "").split(":");
    expect(target).toBe(gateway.environment?.SWITCHYARD_CONFIG);
    const text = readFileSync(join(ROOT, source), "utf8");
    expect(parseConfig(text, source, {}).ok).toBe(true);
  });

  it("declares the named volumes it uses", () => {
    const named = (redis.volumes ?? []).map((volume) => volume.split(":")[0]);
    for (const name of named) expect(compose.volumes).toHaveProperty(name as string);
  });
});
