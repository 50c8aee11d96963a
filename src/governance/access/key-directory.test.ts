import { describe, expect, it } from "vitest";
import { defaultGovernanceConfig } from "../../config/governance/governance-config.js";
import { KeyHasher } from "../keys/key-digest.js";
import { generateKey } from "../keys/key-format.js";
import { declaredRecords } from "../objects/declared-records.js";
import type { GovernanceRecord, KeyRecord, ObjectKind } from "../objects/governance-records.js";
import { type ChangeEvent, type GovernanceStore, StoreUnavailableError } from "../store/governance-store.js";
import { Authenticator } from "./authenticator.js";
import { KeyDirectory } from "./key-directory.js";
import { KeyUsageRecorder } from "./key-usage-recorder.js";
import { MasterKeys } from "./master-keys.js";

const hasher = new KeyHasher("directory-test-pepper-0123");

/** A store in memory that counts lookups and can be taken down. */
class FakeStore implements GovernanceStore {
  readonly records = new Map<string, GovernanceRecord>();
  gets = 0;
  down = false;
  touched: Record<string, string>[] = [];
  private readonly listeners = new Set<(event: ChangeEvent) => void>();

  async get(kind: ObjectKind, id: string) {
    this.gets++;
    if (this.down) throw new StoreUnavailableError("down");
    return this.records.get(`${kind}:${id}`);
  }
  async list() {
    return [];
  }
  async write(): Promise<never> {
    throw new Error("not used");
  }
  async touchKeys(usedAt: Record<string, string>) {
    this.touched.push(usedAt);
  }
  async lastUsed() {
    return {};
  }
  async audit() {
    return { entries: [], next_cursor: null };
  }
  onChange(listener: (event: ChangeEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async close() {}
  emit(event: ChangeEvent) {
    for (const listener of this.listeners) listener(event);
  }
}

function keyRecord(id: string, key: string, changes: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id,
    alias: null,
    group: "team",
    routes: null,
    models: null,
    expires_at: null,
    status: "active",
    secrets: [{ digest: hasher.digest(key), created_at: "2026-01-01T00:00:00Z", not_after: null }],
    limits: { rpm: 5 },
    budgets: null,
    metadata: {},
    managed_by: "api",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    revoked_at: null,
    deleted_at: null,
    version: 1,
    ...changes,
  };
}

function setup(ttlMs = 1000, staleForMs = 10_000) {
  const store = new FakeStore();
  let now = 1_000_000;
  const directory = new KeyDirectory(store, { ttlMs, staleForMs }, () => now);
  directory.configure(declaredRecords(defaultGovernanceConfig("/tmp"), "2026-01-01T00:00:00Z"), {
    ttlMs,
    staleForMs,
  });
  const usage = new KeyUsageRecorder(store);
  const authenticator = new Authenticator(directory, hasher, new MasterKeys([], hasher), usage, () => now);
  const { id, key } = generateKey();
  store.records.set(`key:${id}`, keyRecord(id, key));
  store.records.set("group:team", {
    id: "team",
    org: "acme",
    limits: { rpm: 100 },
    budgets: null,
    metadata: {},
    managed_by: "api",
    created_at: "x",
    updated_at: "x",
    version: 1,
  });
  return { store, directory, authenticator, id, key, advance: (ms: number) => (now += ms) };
}

async function authenticate(authenticator: Authenticator, key: string) {
  return authenticator.authenticate(key);
}

describe("the key directory and authenticator", () => {
  it("looks a key up once, then answers synchronously from the cache with its principal", async () => {
    const { store, authenticator, key, id } = setup();
    const first = await authenticate(authenticator, key);
    expect(first).toMatchObject({ ok: true });
    const warm = authenticator.authenticate(key);
    expect(warm).not.toBeInstanceOf(Promise);
    expect(warm).toMatchObject({
      ok: true,
      key: {
        principal: {
          keyId: id,
          group: "team",
          org: "acme",
          scopes: [
            { scope: "key", id, limits: { rates: [{ name: "rpm", limit: 5 }] } },
            { scope: "group", id: "team", limits: { rates: [{ name: "rpm", limit: 100 }] } },
          ],
        },
      },
    });
    // The key, its group and the group's org (absent from this store): one lookup each, once.
    expect(store.gets).toBe(3);
  });

  it("asks the store once for many concurrent requests, and once per unknown id", async () => {
    const { store, authenticator, key } = setup();
    await Promise.all(Array.from({ length: 20 }, () => authenticate(authenticator, key)));
    expect(store.gets).toBe(3);
    const stranger = generateKey().key;
    for (let index = 0; index < 5; index++)
      expect(await authenticate(authenticator, stranger)).toMatchObject({
        ok: false,
        error: { code: "invalid_api_key" },
      });
    expect(store.gets).toBe(4);
  });

  it("never asks the store about garbage", async () => {
    const { store, authenticator } = setup();
    for (const junk of ["sk-sy-", "sk-sy-aaaaaaaaaaaa-bbbb", "Bearer x", `${generateKey().key}0`])
      expect(authenticator.authenticate(junk)).toMatchObject({
        ok: false,
        error: { code: "invalid_api_key" },
      });
    expect(store.gets).toBe(0);
  });

  it("drops a key when its change event arrives, and refetches after the time to live", async () => {
    const { store, authenticator, key, id, advance } = setup();
    await authenticate(authenticator, key);
    store.records.set(`key:${id}`, keyRecord(id, key, { status: "revoked", secrets: [], revoked_at: "now" }));
    expect(authenticator.authenticate(key)).toMatchObject({ ok: true });
    store.emit({ kind: "key", id });
    expect(await authenticate(authenticator, key)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/revoked/) },
    });

    store.records.set(`key:${id}`, keyRecord(id, key));
    store.emit({ kind: "key", id });
    await authenticate(authenticator, key);
    // An event lost: the change is seen once the entry's time to live has passed.
    store.records.set(`key:${id}`, keyRecord(id, key, { status: "disabled" }));
    advance(999);
    expect(authenticator.authenticate(key)).toMatchObject({ ok: true });
    advance(2);
    expect(await authenticate(authenticator, key)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/disabled/) },
    });
  });

  it("refreshes a hot key in the background before it goes stale", async () => {
    const { store, authenticator, key, advance } = setup();
    await authenticate(authenticator, key);
    const before = store.gets;
    advance(800);
    expect(authenticator.authenticate(key)).toMatchObject({ ok: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.gets).toBeGreaterThan(before);
    advance(500);
    expect(authenticator.authenticate(key)).not.toBeInstanceOf(Promise);
  });

  it("while the store is down: known keys work for stale_for, unknown keys get 503 governance_unavailable", async () => {
    const { store, authenticator, key, advance } = setup(1000, 5000);
    await authenticate(authenticator, key);
    store.down = true;
    advance(1500);
    expect(await authenticate(authenticator, key)).toMatchObject({ ok: true });
    const unknown = await authenticate(authenticator, generateKey().key);
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: "governance_unavailable", status: 503, retryAfterSeconds: 1 },
    });
    advance(4000);
    expect(await authenticate(authenticator, key)).toMatchObject({
      ok: false,
      error: { code: "governance_unavailable" },
    });
    store.down = false;
    expect(await authenticate(authenticator, key)).toMatchObject({ ok: true });
  });

  it("records last use at most once a minute per key", async () => {
    const { store, authenticator, key, advance } = setup(1_000_000);
    await authenticate(authenticator, key);
    authenticator.authenticate(key);
    advance(30_000);
    authenticator.authenticate(key);
    expect(store.touched).toHaveLength(1);
    advance(31_000);
    authenticator.authenticate(key);
    expect(store.touched).toHaveLength(2);
  });
});
