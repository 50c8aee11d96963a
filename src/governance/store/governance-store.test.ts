import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDebianTool } from "../../../test/support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../../../test/support/redis-server.js";
import { parseConfig } from "../../config/parse-config.js";
import { InProcessCoordinator } from "../../coordination/in-process-coordinator.js";
import type { KeyRecord } from "../objects/governance-records.js";
import { CoordinatedGovernanceStore } from "./coordinated-governance-store.js";
import type { ChangeEvent, GovernanceStore, NewAuditEntry, ObjectWrite } from "./governance-store.js";
import { createGovernanceStoreService } from "./governance-store-service.js";
import { RedisGovernanceStore } from "./redis-governance-store.js";

/** Two views of one store (two workers, or two replicas), and a way to reopen it (a restart). */
interface StoreUnderTest {
  first: GovernanceStore;
  second: GovernanceStore;
  reopen(): Promise<GovernanceStore>;
  close(): Promise<void>;
}

function keyRecord(
  id: string,
  version: number,
  alias: string | null,
  status: KeyRecord["status"] = "active",
): KeyRecord {
  const at = "2026-01-01T00:00:00.000Z";
  return {
    id,
    alias,
    group: null,
    routes: null,
    models: null,
    expires_at: null,
    status,
    secrets: [],
    limits: null,
    budgets: null,
    metadata: {},
    managed_by: "api",
    created_at: at,
    updated_at: at,
    revoked_at: null,
    deleted_at: null,
    version,
  };
}

function audit(action: string, id: string, actor = "master:ops"): NewAuditEntry {
  return {
    ts: new Date().toISOString(),
    actor,
    actor_ip: "127.0.0.1",
    action,
    object_type: "key",
    object_id: id,
    before: null,
    after: null,
    request_id: "r",
  };
}

function write(
  id: string,
  expectedVersion: number,
  alias: string | null,
  previousAlias: string | null = null,
): ObjectWrite {
  const record = keyRecord(id, expectedVersion + 1, alias);
  return {
    kind: "key",
    id,
    expectedVersion,
    record,
    alias,
    previousAlias,
    audit: audit(expectedVersion === 0 ? "key.create" : "key.update", id),
  };
}

function events(store: GovernanceStore): ChangeEvent[] {
  const heard: ChangeEvent[] = [];
  store.onChange((event) => heard.push(event));
  return heard;
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function contract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`the ${name} governance store`, () => {
    let store: StoreUnderTest;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    it("creates, reads, lists and updates objects with optimistic versions", async () => {
      const { first, second } = store;
      expect(await first.write(write("Aaaaaaaaaaa1", 0, "alpha"))).toMatchObject({ ok: true });
      expect(await second.write(write("Aaaaaaaaaaa1", 0, null))).toEqual({ ok: false, reason: "exists" });
      expect(await second.get("key", "Aaaaaaaaaaa1")).toMatchObject({
        id: "Aaaaaaaaaaa1",
        alias: "alpha",
        version: 1,
      });
      expect(await second.write(write("Aaaaaaaaaaa1", 1, "alpha", "alpha"))).toMatchObject({ ok: true });
      expect(await first.write(write("Aaaaaaaaaaa1", 1, "alpha", "alpha"))).toEqual({
        ok: false,
        reason: "conflict",
      });
      expect(await first.write(write("Nothere00001", 3, null))).toEqual({ ok: false, reason: "missing" });
      expect((await first.list("key")).map((record) => record.id)).toContain("Aaaaaaaaaaa1");
      expect(await first.get("group", "Aaaaaaaaaaa1")).toBeUndefined();
    });

    it("keeps aliases unique, and frees one that a key gives up", async () => {
      const { first } = store;
      await first.write(write("Bbbbbbbbbbb1", 0, "beta"));
      expect(await first.write(write("Bbbbbbbbbbb2", 0, "beta"))).toEqual({
        ok: false,
        reason: "alias_taken",
      });
      expect(await first.get("key", "Bbbbbbbbbbb2")).toBeUndefined();
      expect(await first.write(write("Bbbbbbbbbbb1", 1, null, "beta"))).toMatchObject({ ok: true });
      expect(await first.write(write("Bbbbbbbbbbb2", 0, "beta"))).toMatchObject({ ok: true });
    });

    it("appends an audit entry with each write and none with a refused one; pages newest first with filters", async () => {
      const { first, second } = store;
      const before = (await second.audit({ limit: 500 })).entries.length;
      await first.write({
        ...write("Ccccccccccc1", 0, null),
        audit: audit("key.create", "Ccccccccccc1", "master:ci"),
      });
      await first.write(write("Ccccccccccc1", 0, null));
      const all = await second.audit({ limit: 500 });
      expect(all.entries).toHaveLength(before + 1);
      expect(all.entries[0]).toMatchObject({
        action: "key.create",
        object_id: "Ccccccccccc1",
        actor: "master:ci",
        request_id: "r",
      });
      const byActor = await second.audit({ limit: 10, actor: "master:ci" });
      expect(byActor.entries.map((entry) => entry.object_id)).toEqual(["Ccccccccccc1"]);
      const firstPage = await second.audit({ limit: 2 });
      expect(firstPage.entries).toHaveLength(2);
      const nextPage = await second.audit({ limit: 2, cursor: firstPage.next_cursor ?? "" });
      expect(nextPage.entries[0]?.id).not.toBe(firstPage.entries[1]?.id);
      expect((await second.audit({ limit: 10, since: "2999-01-01T00:00:00.000Z" })).entries).toEqual([]);
    });

    it("tells every view of the store of each change", async () => {
      const heard = events(store.second);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.first.write(write("Ddddddddddd1", 0, null));
      await until(() => heard.some((event) => event.kind === "key" && event.id === "Ddddddddddd1"));
    });

    it("records when keys were last used, without a new version", async () => {
      await store.first.touchKeys({ Aaaaaaaaaaa1: "2026-02-01T00:00:00.000Z" });
      expect(await store.second.lastUsed(["Aaaaaaaaaaa1", "Nothere00001"])).toEqual({
        Aaaaaaaaaaa1: "2026-02-01T00:00:00.000Z",
      });
      expect(await store.second.get("key", "Aaaaaaaaaaa1")).toMatchObject({ version: 2 });
    });

    it("keeps objects and the audit log across a restart", async () => {
      const count = (await store.first.audit({ limit: 500 })).entries.length;
      const reopened = await store.reopen();
      expect(await reopened.get("key", "Aaaaaaaaaaa1")).toMatchObject({ alias: "alpha", version: 2 });
      expect((await reopened.audit({ limit: 500 })).entries).toHaveLength(count);
    });
  });
}

contract("embedded (SQLite, through the owner)", async () => {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-store-"));
  const parsed = parseConfig(
    `routes: []\ngovernance:\n  store: { path: gov.db }\n`,
    join(directory, "switchyard.yaml"),
    {},
  );
  if (!parsed.ok) throw new Error("bad config");
  const owners: InProcessCoordinator[] = [];
  const owner = (): InProcessCoordinator => {
    const coordinator = new InProcessCoordinator();
    coordinator.host.add(
      createGovernanceStoreService(parsed.config, (topic, payload) => coordinator.publish(topic, payload)),
    );
    owners.push(coordinator);
    return coordinator;
  };
  const coordinator = owner();
  return {
    first: new CoordinatedGovernanceStore(coordinator),
    second: new CoordinatedGovernanceStore(coordinator),
    reopen: async () => {
      await owners[0]?.close();
      return new CoordinatedGovernanceStore(owner());
    },
    close: async () => {
      for (const each of owners) await each.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

const hasRedis = requireDebianTool("redis-server", "redis-server");
describe.runIf(hasRedis)("with Redis", () => {
  let redis: RedisServer;
  const opened: RedisGovernanceStore[] = [];
  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: true });
  });
  afterAll(async () => {
    for (const each of opened) await each.close();
    await redis.close();
  });
  const connect = (): RedisGovernanceStore => {
    const store = new RedisGovernanceStore({ url: redis.url, hashTag: "sy", commandTimeoutMs: 500 });
    opened.push(store);
    return store;
  };
  contract("Redis", async () => {
    const first = connect();
    const second = connect();
    await until(() => first.redis.status === "ready" && second.redis.status === "ready", 5000);
    return {
      first,
      second,
      reopen: async () => {
        await redis.stop();
        await redis.start();
        const again = connect();
        await until(() => again.redis.status === "ready", 5000);
        return again;
      },
      close: async () => {},
    };
  });

  it("gives up on a hung Redis after the command timeout instead of waiting for it", async () => {
    const store = new RedisGovernanceStore({ url: redis.url, hashTag: "sy", commandTimeoutMs: 50 });
    opened.push(store);
    const blocker = connect();
    await until(() => store.redis.status === "ready" && blocker.redis.status === "ready", 5000);
    // A script that spins for 1.5 s: the server answers no one meanwhile. The lookup must fail rather than wait.
    const spin =
      "local t = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 1500000";
    const sleeping = blocker.redis.eval(spin, 0).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(store.get("key", "Aaaaaaaaaaa1")).rejects.toMatchObject({
      name: "StoreUnavailableError",
      message: expect.stringMatching(/timed out/i),
    });
    // The breaker answers the next command without asking Redis at all.
    await expect(store.get("key", "Aaaaaaaaaaa1")).rejects.toThrow(/failing fast/);
    await sleeping;
  });

  it("fails at once, with StoreUnavailableError, while Redis is down", async () => {
    const store = connect();
    await until(() => store.redis.status === "ready", 5000);
    await redis.stop();
    try {
      await expect(store.get("key", "Aaaaaaaaaaa1")).rejects.toMatchObject({ name: "StoreUnavailableError" });
    } finally {
      await redis.start();
    }
  });
});
