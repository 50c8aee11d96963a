import type { Redis } from "ioredis";
import type { GovernanceRecord, ObjectKind } from "../objects/governance-records.js";
import {
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type ChangeEvent,
  type GovernanceStore,
  type ObjectWrite,
  StoreUnavailableError,
  type WriteResult,
} from "./governance-store.js";
import { createRedisConnection, governanceKey } from "./redis-connection.js";

/** The audit stream keeps about this many entries (XADD MAXLEN ~); older ones belong in a log sink. */
const AUDIT_MAX_LENGTH = 100_000;
/** An audit query scans at most this many entries for its filters. */
const AUDIT_SCAN_LIMIT = 20_000;
/** How long commands fail fast after one failed (Redis down or slower than the command timeout). */
const BREAKER_MS = 250;
const KIND_PREFIX: Record<ObjectKind, string> = { key: "key", group: "grp", org: "org" };

/**
 * Check the version, keep aliases unique, write or remove the object, append the audit entry and publish the
 * change: one script, so the step is atomic across every replica.
 * KEYS: object, id set, alias hash, audit stream. ARGV: expected version, document ('' removes), id, alias,
 * previous alias ('' for none), audit entry, channel, event, audit max length.
 */
const WRITE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local expected = tonumber(ARGV[1])
if expected == 0 and current then return {'err', 'exists'} end
if expected > 0 and not current then return {'err', 'missing'} end
if current and cjson.decode(current)['version'] ~= expected then return {'err', 'conflict'} end
if ARGV[4] ~= '' then
  local owner = redis.call('HGET', KEYS[3], ARGV[4])
  if owner and owner ~= ARGV[3] then return {'err', 'alias_taken'} end
end
if ARGV[5] ~= '' and ARGV[5] ~= ARGV[4] and redis.call('HGET', KEYS[3], ARGV[5]) == ARGV[3] then
  redis.call('HDEL', KEYS[3], ARGV[5])
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[4], ARGV[3]) end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[3])
end
local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[9], '*', 'entry', ARGV[6])
redis.call('PUBLISH', ARGV[7], ARGV[8])
return {'ok', id}
`;

type ScriptRunner = (...args: (string | number)[]) => Promise<[string, string]>;

/**
 * Keys, groups, orgs and the audit log in Redis, shared by every replica: objects are JSON documents
 * (`{tag}:key:<id>`, `{tag}:grp:<id>`, `{tag}:org:<id>`), aliases a hash, the audit log a stream, changes a
 * pub/sub channel. Every command is bounded by the connection's timeout; a failure is a StoreUnavailableError.
 */
export class RedisGovernanceStore implements GovernanceStore {
  private readonly connection: Redis;
  private subscriber: Redis | undefined;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly channel: string;
  private failingUntil = 0;

  constructor(
    settings: { url: string; hashTag: string; commandTimeoutMs: number },
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {
    this.connection = createRedisConnection(settings);
    this.connection.defineCommand("sy_write_v1", { numberOfKeys: 4, lua: WRITE_SCRIPT });
    this.tag = settings.hashTag;
    this.channel = governanceKey(settings.hashTag, "events");
  }

  private readonly tag: string;

  /** The command connection, for start-up to wait until it is ready. */
  get redis(): Redis {
    return this.connection;
  }

  /** Redis's `maxmemory-policy`, or undefined where CONFIG is not allowed (many managed services). */
  async evictionPolicy(): Promise<string | undefined> {
    try {
      const answer = (await this.connection.config("GET", "maxmemory-policy")) as string[];
      return answer[1];
    } catch {
      // CONFIG is often disabled on managed Redis: nothing to check then.
      return undefined;
    }
  }

  async get(kind: ObjectKind, id: string): Promise<GovernanceRecord | undefined> {
    const document = await this.run(() => this.connection.get(this.objectKey(kind, id)));
    return document === null ? undefined : (JSON.parse(document) as GovernanceRecord);
  }

  async list(kind: ObjectKind): Promise<GovernanceRecord[]> {
    const ids = (await this.run(() => this.connection.smembers(this.idsKey(kind)))).sort();
    const records: GovernanceRecord[] = [];
    for (let start = 0; start < ids.length; start += 500) {
      const keys = ids.slice(start, start + 500).map((id) => this.objectKey(kind, id));
      const documents = await this.run(() => this.connection.mget(keys));
      for (const document of documents) if (document !== null) records.push(JSON.parse(document));
    }
    return records;
  }

  async write(change: ObjectWrite): Promise<WriteResult> {
    const event: ChangeEvent = { kind: change.kind, id: change.id };
    const script = (this.connection as unknown as Record<string, ScriptRunner>).sy_write_v1 as ScriptRunner;
    const [status, detail] = await this.run(() =>
      script.call(
        this.connection,
        this.objectKey(change.kind, change.id),
        this.idsKey(change.kind),
        governanceKey(this.tag, "alias"),
        governanceKey(this.tag, "audit"),
        change.expectedVersion,
        change.record === null ? "" : JSON.stringify(change.record),
        change.id,
        change.alias ?? "",
        change.previousAlias ?? "",
        JSON.stringify(change.audit),
        this.channel,
        JSON.stringify(event),
        AUDIT_MAX_LENGTH,
      ),
    );
    if (status === "ok") return { ok: true, auditId: detail };
    return { ok: false, reason: detail as Exclude<WriteResult, { ok: true }>["reason"] };
  }

  async touchKeys(usedAt: Record<string, string>): Promise<void> {
    if (Object.keys(usedAt).length === 0) return;
    await this.run(() => this.connection.hset(governanceKey(this.tag, "key-used"), usedAt));
  }

  async lastUsed(ids: readonly string[]): Promise<Record<string, string>> {
    if (ids.length === 0) return {};
    const values = await this.run(() => this.connection.hmget(governanceKey(this.tag, "key-used"), ...ids));
    const found: Record<string, string> = {};
    ids.forEach((id, index) => {
      const value = values[index];
      if (value !== null && value !== undefined) found[id] = value;
    });
    return found;
  }

  async audit(query: AuditQuery): Promise<AuditPage> {
    const stream = governanceKey(this.tag, "audit");
    const lowest = query.since === undefined ? "-" : `${Date.parse(query.since)}-0`;
    const entries: AuditEntry[] = [];
    let upper = query.cursor === undefined ? "+" : `(${query.cursor}`;
    let scanned = 0;
    let exhausted = false;
    while (entries.length <= query.limit && scanned < AUDIT_SCAN_LIMIT) {
      const batch = await this.run(() => this.connection.xrevrange(stream, upper, lowest, "COUNT", 200));
      for (const [id, fields] of batch) {
        const entry = { id, ...(JSON.parse(fields[1] ?? "{}") as Omit<AuditEntry, "id">) };
        if (matches(entry, query)) entries.push(entry);
      }
      scanned += batch.length;
      if (batch.length < 200) {
        exhausted = true;
        break;
      }
      upper = `(${batch.at(-1)?.[0]}`;
    }
    const page = entries.slice(0, query.limit);
    const more = entries.length > query.limit || (!exhausted && page.length > 0);
    return { entries: page, next_cursor: more ? (page.at(-1)?.id ?? null) : null };
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    this.subscribe();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.connection.disconnect();
  }

  /**
   * One subscriber connection per store. After each (re)connection, listeners hear `all`: events published
   * while the connection was down are lost, so caches start over.
   */
  private subscribe(): void {
    if (this.subscriber !== undefined) return;
    const subscriber = this.connection.duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", () => {});
    subscriber.on("ready", () => {
      subscriber.subscribe(this.channel).then(
        () => this.deliver({ kind: "all" }),
        // Not subscribed: the next reconnection tries again, and the caches' time limit covers the gap.
        () => {},
      );
    });
    subscriber.on("message", (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        this.deliver(JSON.parse(message) as ChangeEvent);
      } catch (error) {
        this.onListenerError(error);
      }
    });
  }

  private deliver(event: ChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  private objectKey(kind: ObjectKind, id: string): string {
    return governanceKey(this.tag, KIND_PREFIX[kind], id);
  }

  private idsKey(kind: ObjectKind): string {
    return governanceKey(this.tag, "ids", KIND_PREFIX[kind]);
  }

  /**
   * Runs a command. After a failure, commands fail at once for a moment (a breaker): a lookup that needs several
   * commands then waits for one timeout at most, not one per command, while Redis is down or hung.
   */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (Date.now() < this.failingUntil)
      throw new StoreUnavailableError("Redis did not answer (failing fast for a moment after an error)");
    try {
      return await command();
    } catch (error) {
      this.failingUntil = Date.now() + BREAKER_MS;
      throw new StoreUnavailableError(
        `Redis did not answer: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  return (
    (query.objectType === undefined || entry.object_type === query.objectType) &&
    (query.objectId === undefined || entry.object_id === query.objectId) &&
    (query.actor === undefined || entry.actor === query.actor) &&
    (query.action === undefined || entry.action === query.action) &&
    (query.since === undefined || entry.ts >= query.since)
  );
}
