import { GatewayError } from "../../canonical/index.js";
import { unmatchedPattern } from "../../config/governance/governance-references.js";
import type { KeyHasher } from "../keys/key-digest.js";
import { generateKey } from "../keys/key-format.js";
import { type KeyRecord, type KeyView, keyView } from "../objects/governance-records.js";
import type { GovernanceStore } from "../store/governance-store.js";
import type { AdminActor, RouteCatalogue } from "./admin-actor.js";
import {
  createKeySchema,
  DEFAULT_GRACE_SECONDS,
  fieldError,
  parseAdminBody,
  rotateKeySchema,
  updateKeySchema,
} from "./admin-bodies.js";
import { type AuditedWriter, withRetries } from "./audited-write.js";
import { type ObjectReader, refuseDeclared } from "./object-reader.js";

/** A key with its secret: the answer to create and rotate, the only time the secret is ever shown. */
export type KeyWithSecret = KeyView & { key: string };

export interface KeyListQuery {
  group?: string;
  status?: string;
  limit: number;
  /** The last id of the previous page. */
  cursor?: string;
}

/** At most this many secrets are live at once (the current one and those in a rotation's grace period). */
const MAX_LIVE_SECRETS = 3;

/** Keys through the admin API: create, read, change scopes and status, rotate, revoke, delete (soft). */
export class KeyAdmin {
  constructor(
    private readonly store: GovernanceStore,
    private readonly reader: ObjectReader,
    private readonly writer: AuditedWriter,
    private readonly hasher: () => KeyHasher,
    private readonly now: () => number = Date.now,
  ) {}

  async create(body: unknown, actor: AdminActor, catalogue: RouteCatalogue): Promise<KeyWithSecret> {
    const input = parseAdminBody(createKeySchema, body);
    await this.checkReferences(input, catalogue);
    await this.checkAliasFree(input.alias, undefined);
    const created = this.timestamp();
    for (;;) {
      const { id, key } = generateKey();
      // A new id that a declared key already has (one in 62^12) is drawn again.
      if (this.reader.isDeclared("key", id)) continue;
      const record: KeyRecord = {
        id,
        alias: input.alias ?? null,
        group: input.group ?? null,
        routes: input.routes ?? null,
        models: input.models ?? null,
        expires_at: input.expires_at === undefined ? null : new Date(input.expires_at).toISOString(),
        status: "active",
        secrets: [{ digest: this.hasher().digest(key), created_at: created, not_after: null }],
        limits: input.limits ?? null,
        budgets: input.budgets ?? null,
        metadata: input.metadata ?? {},
        managed_by: "api",
        created_at: created,
        updated_at: created,
        revoked_at: null,
        deleted_at: null,
        version: 1,
      };
      await this.writer.commit(
        { kind: "key", id, action: "key.create", before: null, after: record, alias: record.alias },
        actor,
      );
      return { ...keyView(record, null), key };
    }
  }

  async list(query: KeyListQuery): Promise<{ data: KeyView[]; next_cursor: string | null }> {
    const all = await this.reader.list("key");
    const matching = all.filter(
      (record) =>
        (query.group === undefined || record.group === query.group) &&
        (query.status === undefined ? record.status !== "deleted" : record.status === query.status) &&
        (query.cursor === undefined || record.id > query.cursor),
    );
    const page = matching.slice(0, query.limit);
    const used = await this.store.lastUsed(page.map((record) => record.id));
    return {
      data: page.map((record) => keyView(record, used[record.id] ?? null)),
      next_cursor: matching.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async get(id: string): Promise<KeyView> {
    const record = await this.reader.require("key", id);
    const used = await this.store.lastUsed([id]);
    return keyView(record, used[id] ?? null);
  }

  async update(id: string, body: unknown, actor: AdminActor, catalogue: RouteCatalogue): Promise<KeyView> {
    const input = parseAdminBody(updateKeySchema, body);
    if (Object.keys(input).length === 0)
      throw new GatewayError("invalid_body", "The body changes nothing: give at least one field to change.");
    await this.checkReferences(input, catalogue);
    return withRetries(async () => {
      const before = await this.changeable(id);
      if (input.alias != null) await this.checkAliasFree(input.alias, id);
      const after: KeyRecord = { ...before, version: before.version + 1, updated_at: this.timestamp() };
      if (input.alias !== undefined) after.alias = input.alias;
      if (input.group !== undefined) after.group = input.group;
      if (input.routes !== undefined) after.routes = input.routes;
      if (input.models !== undefined) after.models = input.models;
      if (input.expires_at !== undefined)
        after.expires_at = input.expires_at === null ? null : new Date(input.expires_at).toISOString();
      if (input.limits !== undefined) after.limits = input.limits;
      if (input.budgets !== undefined) after.budgets = input.budgets;
      if (input.metadata !== undefined) after.metadata = input.metadata ?? {};
      if (input.status !== undefined) after.status = input.status;
      await this.writer.commit(
        {
          kind: "key",
          id,
          action: "key.update",
          before,
          after,
          alias: after.alias,
          previousAlias: before.alias,
        },
        actor,
      );
      return this.viewOf(after);
    });
  }

  /** A new secret for the same key id; the old one keeps working for the grace period, then stops. */
  async rotate(id: string, body: unknown, actor: AdminActor): Promise<KeyWithSecret> {
    const input = parseAdminBody(rotateKeySchema, body);
    const graceSeconds = input.grace_seconds ?? DEFAULT_GRACE_SECONDS;
    return withRetries(async () => {
      const before = await this.changeable(id);
      const now = this.now();
      const stamp = new Date(now).toISOString();
      const graceEnd = new Date(now + graceSeconds * 1000).toISOString();
      const previous = before.secrets
        .filter((secret) => secret.not_after === null || Date.parse(secret.not_after) > now)
        .map((secret) => ({
          ...secret,
          not_after: secret.not_after === null || secret.not_after > graceEnd ? graceEnd : secret.not_after,
        }))
        .filter((secret) => graceSeconds > 0 && Date.parse(secret.not_after) > now)
        .slice(-(MAX_LIVE_SECRETS - 1));
      const { key } = generateKey(id);
      const after: KeyRecord = {
        ...before,
        secrets: [...previous, { digest: this.hasher().digest(key), created_at: stamp, not_after: null }],
        version: before.version + 1,
        updated_at: stamp,
      };
      await this.writer.commit(
        {
          kind: "key",
          id,
          action: "key.rotate",
          before,
          after,
          alias: after.alias,
          previousAlias: before.alias,
        },
        actor,
      );
      return { ...(await this.viewOf(after)), key };
    });
  }

  /** Revokes at once: every secret is dropped. Revoking a revoked key changes nothing. */
  async revoke(id: string, actor: AdminActor): Promise<KeyView> {
    return this.end(id, actor, "revoked");
  }

  /** Soft delete: the key stops working and leaves listings, its record stays for usage history. */
  async remove(id: string, actor: AdminActor): Promise<KeyView> {
    return this.end(id, actor, "deleted");
  }

  private async end(id: string, actor: AdminActor, status: "revoked" | "deleted"): Promise<KeyView> {
    return withRetries(async () => {
      const before = await this.reader.require("key", id);
      refuseDeclared("key", before);
      if (before.status === status || before.status === "deleted") return this.viewOf(before);
      const stamp = this.timestamp();
      const after: KeyRecord = {
        ...before,
        status,
        secrets: [],
        version: before.version + 1,
        updated_at: stamp,
        revoked_at: before.revoked_at ?? stamp,
        deleted_at: status === "deleted" ? stamp : null,
      };
      // A deleted key gives up its alias, so a new key may take it.
      const alias = status === "deleted" ? null : before.alias;
      await this.writer.commit(
        {
          kind: "key",
          id,
          action: status === "revoked" ? "key.revoke" : "key.delete",
          before,
          after,
          alias,
          previousAlias: before.alias,
        },
        actor,
      );
      return this.viewOf(after);
    });
  }

  /** A key the API may change: stored (not declared) and neither revoked nor deleted. */
  private async changeable(id: string): Promise<KeyRecord> {
    const record = await this.reader.require("key", id);
    refuseDeclared("key", record);
    if (record.status === "revoked" || record.status === "deleted")
      throw new GatewayError("conflict", `The key '${id}' is ${record.status}; it cannot change any more.`);
    return record;
  }

  private async viewOf(record: KeyRecord): Promise<KeyView> {
    const used = await this.store.lastUsed([record.id]);
    return keyView(record, used[record.id] ?? null);
  }

  private async checkReferences(
    input: {
      group?: string | null;
      routes?: string[] | null;
      models?: string[] | null;
      expires_at?: string | null;
    },
    catalogue: RouteCatalogue,
  ): Promise<void> {
    if (input.group != null && (await this.reader.find("group", input.group)) === undefined)
      throw fieldError(
        ["group"],
        `names no group: '${input.group}' does not exist (create it with POST /admin/v1/groups)`,
      );
    input.routes?.forEach((pattern, index) => {
      const problem = unmatchedPattern(pattern, catalogue.routes, "route");
      if (problem !== undefined) throw fieldError(["routes", index], problem);
    });
    input.models?.forEach((pattern, index) => {
      const problem = unmatchedPattern(pattern, catalogue.models, "model");
      if (problem !== undefined) throw fieldError(["models", index], problem);
    });
    if (input.expires_at != null && Date.parse(input.expires_at) <= this.now())
      throw fieldError(["expires_at"], "is in the past; a key must expire in the future");
  }

  /** Declared keys' aliases are checked here; stored keys' aliases by the store, atomically with the write. */
  private async checkAliasFree(alias: string | undefined, id: string | undefined): Promise<void> {
    if (alias === undefined) return;
    const holder = this.reader.declaredKeyWithAlias(alias);
    if (holder !== undefined && holder.id !== id)
      throw new GatewayError("conflict", `The alias '${alias}' is already used by another key.`, {
        param: "alias",
      });
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}
