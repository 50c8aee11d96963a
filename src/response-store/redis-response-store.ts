import type { Redis } from "ioredis";
import { GatewayError } from "../canonical/index.js";
import type { ResponseStoreSettings } from "../config/responses-settings.js";
import { createRedisConnection } from "../governance/store/redis-connection.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

/**
 * Shared by the scripts: removes response ARGV-named `rid` and its accounting. Keys: KEYS[1] the age index (a
 * sorted set of ids by the time they were stored), KEYS[2] each response's size (hash), KEYS[3] the total
 * size; a response is the hash `<prefix>r:<id>` (fields doc, prev), an item's owner `<prefix>i:<item id>`.
 * Those names are built here from the prefix, whose hash tag puts them in the declared keys' slot.
 */
const REMOVE = `
local function remove(prefix, rid)
  local size = redis.call('HGET', KEYS[2], rid)
  if size then
    redis.call('DECRBY', KEYS[3], size)
    redis.call('HDEL', KEYS[2], rid)
  end
  redis.call('ZREM', KEYS[1], rid)
  return redis.call('DEL', prefix .. 'r:' .. rid)
end
`;

/**
 * Stores one response, then applies the bounds: expired ones go, then the oldest while there are more than the
 * count or bytes allow. ARGV: prefix, id, document, previous id ('' for none), retention ms, now ms, max count,
 * max bytes, the item ids (JSON array). Returns 0 when the response alone is larger than the store.
 */
const PUT_SCRIPT = `${REMOVE}
local prefix, id, doc = ARGV[1], ARGV[2], ARGV[3]
local ttl, now = tonumber(ARGV[5]), tonumber(ARGV[6])
local maxCount, maxBytes = tonumber(ARGV[7]), tonumber(ARGV[8])
remove(prefix, id)
local size = string.len(doc)
if size > maxBytes then return 0 end
local key = prefix .. 'r:' .. id
redis.call('HSET', key, 'doc', doc, 'prev', ARGV[4])
redis.call('PEXPIRE', key, ttl)
redis.call('ZADD', KEYS[1], now, id)
redis.call('HSET', KEYS[2], id, size)
redis.call('INCRBY', KEYS[3], size)
for _, item in ipairs(cjson.decode(ARGV[9])) do
  redis.call('SET', prefix .. 'i:' .. item, id, 'PX', ttl)
end
for _, old in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ttl)) do remove(prefix, old) end
while redis.call('ZCARD', KEYS[1]) > maxCount or tonumber(redis.call('GET', KEYS[3]) or '0') > maxBytes do
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if not oldest then break end
  remove(prefix, oldest)
end
return 1
`;

/** Deletes one response. ARGV: prefix, id. Returns 1 when it was stored. */
const DELETE_SCRIPT = `${REMOVE}
return remove(ARGV[1], ARGV[2])
`;

/**
 * The documents of a chain of responses, newest first, in one round trip; false when one is gone. ARGV: prefix,
 * id, the longest chain to walk (the count bound: a longer one cannot be stored).
 */
const CHAIN_SCRIPT = `
local prefix, id = ARGV[1], ARGV[2]
local found = {}
for _ = 1, tonumber(ARGV[3]) do
  local entry = redis.call('HMGET', prefix .. 'r:' .. id, 'doc', 'prev')
  if not entry[1] then return false end
  table.insert(found, entry[1])
  if entry[2] == '' then return found end
  id = entry[2]
end
return false
`;

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Stored responses in Redis (`responses.store.kind: redis`), shared by every process and replica of the gateway,
 * bounded as the local store is: each response expires after the retention time (Redis's own TTL), and the
 * scripts drop the oldest beyond the count and byte limits, atomically. A command that fails or outlasts the
 * timeout is a 503 for the request that needed it (storing an answer only logs: the client has its answer).
 */
export class RedisResponseStore implements ResponseStore {
  private readonly connection: Redis;
  private readonly prefix: string;
  private readonly keys: [string, string, string];

  constructor(private settings: ResponseStoreSettings) {
    const redis = settings.redis;
    if (redis === undefined) throw new Error("a Redis response store needs its Redis settings");
    this.connection = createRedisConnection({ url: redis.url, commandTimeoutMs: redis.commandTimeoutMs });
    this.connection.defineCommand("sy_resp_put_v1", { numberOfKeys: 3, lua: PUT_SCRIPT });
    this.connection.defineCommand("sy_resp_delete_v1", { numberOfKeys: 3, lua: DELETE_SCRIPT });
    this.connection.defineCommand("sy_resp_chain_v1", { numberOfKeys: 1, lua: CHAIN_SCRIPT });
    this.prefix = redis.keyPrefix;
    this.keys = [`${this.prefix}age`, `${this.prefix}sizes`, `${this.prefix}bytes`];
  }

  /** Whether these settings reach the same Redis keys (else a new store is needed). */
  sameRedis(settings: ResponseStoreSettings): boolean {
    const redis = settings.redis;
    const own = this.settings.redis;
    return (
      redis !== undefined &&
      own !== undefined &&
      redis.url === own.url &&
      redis.keyPrefix === own.keyPrefix &&
      redis.commandTimeoutMs === own.commandTimeoutMs
    );
  }

  /** New limits (a reload) apply from the next response stored. */
  configure(settings: ResponseStoreSettings): void {
    this.settings = settings;
  }

  async put(stored: StoredResponse): Promise<void> {
    const id = stored.response.id;
    if (typeof id !== "string") return;
    const itemIds = [...stored.input, ...outputOf(stored)].flatMap((item) => {
      const itemId = (item as { id?: unknown } | null)?.id;
      return typeof itemId === "string" ? [itemId] : [];
    });
    const { retentionMs, maxResponses, maxBytes } = this.settings;
    await this.run("sy_resp_put_v1", [
      ...this.keys,
      this.prefix,
      id,
      JSON.stringify(stored),
      stored.previousResponseId ?? "",
      retentionMs,
      Date.now(),
      maxResponses,
      maxBytes,
      JSON.stringify(itemIds),
    ]);
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const doc = await this.command(() => this.connection.hget(this.responseKey(id), "doc"));
    return doc === null ? undefined : (JSON.parse(doc) as StoredResponse);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.run("sy_resp_delete_v1", [...this.keys, this.prefix, id])) === 1;
  }

  async conversation(id: string): Promise<unknown[] | undefined> {
    const chain = await this.run("sy_resp_chain_v1", [
      this.keys[0],
      this.prefix,
      id,
      this.settings.maxResponses + 1,
    ]);
    if (!Array.isArray(chain)) return undefined;
    return chain
      .reverse()
      .map((doc) => JSON.parse(String(doc)) as StoredResponse)
      .flatMap((stored) => [...stored.input, ...outputOf(stored)]);
  }

  async items(ids: readonly string[]): Promise<(unknown | undefined)[]> {
    if (ids.length === 0) return [];
    const owners = await this.command(() =>
      this.connection.mget(ids.map((itemId) => `${this.prefix}i:${itemId}`)),
    );
    const byResponse = new Map<string, StoredResponse | undefined>();
    for (const owner of new Set(owners)) {
      if (owner !== null) byResponse.set(owner, await this.get(owner));
    }
    return ids.map((itemId, index) => {
      const owner = owners[index];
      const stored = owner == null ? undefined : byResponse.get(owner);
      if (stored === undefined) return undefined;
      return [...stored.input, ...outputOf(stored)].find(
        (item) => (item as { id?: unknown } | null)?.id === itemId,
      );
    });
  }

  async close(): Promise<void> {
    this.connection.disconnect();
  }

  private responseKey(id: string): string {
    return `${this.prefix}r:${id}`;
  }

  private run(name: string, args: (string | number)[]): Promise<unknown> {
    const script = (this.connection as unknown as Record<string, Script>)[name];
    if (script === undefined) throw new Error(`the script ${name} is not defined`);
    return this.command(() => script.apply(this.connection, args));
  }

  private async command<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new GatewayError(
        "store_unavailable",
        "The gateway's response store (Redis) does not answer; retry later, or send the whole conversation in 'input' with store: false.",
        { cause: error, retryAfterSeconds: 1 },
      );
    }
  }
}

function outputOf(stored: StoredResponse): unknown[] {
  return Array.isArray(stored.response.output) ? stored.response.output : [];
}
