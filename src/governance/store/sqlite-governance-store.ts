import type { GovernanceRecord, ObjectKind } from "../objects/governance-records.js";
import { type GovernanceDatabase, type Migration, openGovernanceDatabase } from "./governance-database.js";
import type { AuditEntry, AuditPage, AuditQuery, ObjectWrite, WriteResult } from "./governance-store.js";

const MIGRATIONS: readonly Migration[] = [
  {
    id: "governance.1",
    sql: `
      CREATE TABLE governance_objects (
        kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (kind, id));
      CREATE TABLE governance_key_aliases (alias TEXT PRIMARY KEY, key_id TEXT NOT NULL);
      CREATE TABLE governance_key_usage (key_id TEXT PRIMARY KEY, last_used_at TEXT NOT NULL);
      CREATE TABLE governance_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        object_type TEXT NOT NULL, object_id TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX governance_audit_object ON governance_audit (object_type, object_id, seq);`,
  },
];

/**
 * The embedded store's objects and audit log in the SQLite file. Synchronous, and used only by the owner process
 * (`governance-store-service.ts`), which serialises every call: each write is one transaction.
 */
export class SqliteGovernanceStore {
  private readonly database: GovernanceDatabase;
  private readonly statements;

  constructor(path: string) {
    this.database = openGovernanceDatabase(path, MIGRATIONS);
    const db = this.database;
    this.statements = {
      get: db.prepare("SELECT doc FROM governance_objects WHERE kind = ? AND id = ?"),
      list: db.prepare("SELECT doc FROM governance_objects WHERE kind = ? ORDER BY id"),
      version: db.prepare("SELECT version FROM governance_objects WHERE kind = ? AND id = ?"),
      upsert: db.prepare(
        "INSERT INTO governance_objects (kind, id, version, doc) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, doc = excluded.doc",
      ),
      remove: db.prepare("DELETE FROM governance_objects WHERE kind = ? AND id = ?"),
      aliasOwner: db.prepare("SELECT key_id FROM governance_key_aliases WHERE alias = ?"),
      setAlias: db.prepare("INSERT OR REPLACE INTO governance_key_aliases (alias, key_id) VALUES (?, ?)"),
      dropAlias: db.prepare("DELETE FROM governance_key_aliases WHERE alias = ? AND key_id = ?"),
      touch: db.prepare(
        "INSERT INTO governance_key_usage (key_id, last_used_at) VALUES (?, ?) " +
          "ON CONFLICT (key_id) DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at)",
      ),
      lastUsed: db.prepare("SELECT last_used_at FROM governance_key_usage WHERE key_id = ?"),
      appendAudit: db.prepare(
        "INSERT INTO governance_audit (ts, actor, action, object_type, object_id, entry) VALUES (?, ?, ?, ?, ?, ?)",
      ),
    };
  }

  get(kind: ObjectKind, id: string): GovernanceRecord | undefined {
    const row = this.statements.get.get(kind, id) as { doc: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.doc) as GovernanceRecord);
  }

  list(kind: ObjectKind): GovernanceRecord[] {
    return (this.statements.list.all(kind) as { doc: string }[]).map(
      (row) => JSON.parse(row.doc) as GovernanceRecord,
    );
  }

  write(change: ObjectWrite): WriteResult {
    return this.database.transaction((): WriteResult => {
      const row = this.statements.version.get(change.kind, change.id) as { version: number } | undefined;
      if (change.expectedVersion === 0 && row !== undefined) return { ok: false, reason: "exists" };
      if (change.expectedVersion > 0 && row === undefined) return { ok: false, reason: "missing" };
      if (row !== undefined && row.version !== change.expectedVersion)
        return { ok: false, reason: "conflict" };
      if (change.alias !== null) {
        const owner = this.statements.aliasOwner.get(change.alias) as { key_id: string } | undefined;
        if (owner !== undefined && owner.key_id !== change.id) return { ok: false, reason: "alias_taken" };
      }
      if (change.previousAlias !== null && change.previousAlias !== change.alias)
        this.statements.dropAlias.run(change.previousAlias, change.id);
      if (change.alias !== null) this.statements.setAlias.run(change.alias, change.id);
      if (change.record === null) this.statements.remove.run(change.kind, change.id);
      else
        this.statements.upsert.run(
          change.kind,
          change.id,
          change.record.version,
          JSON.stringify(change.record),
        );
      const { audit } = change;
      const result = this.statements.appendAudit.run(
        audit.ts,
        audit.actor,
        audit.action,
        audit.object_type,
        audit.object_id,
        JSON.stringify(audit),
      );
      return { ok: true, auditId: String(result.lastInsertRowid) };
    })();
  }

  touchKeys(usedAt: Record<string, string>): void {
    this.database.transaction(() => {
      for (const [id, at] of Object.entries(usedAt)) this.statements.touch.run(id, at);
    })();
  }

  lastUsed(ids: readonly string[]): Record<string, string> {
    const found: Record<string, string> = {};
    for (const id of ids) {
      const row = this.statements.lastUsed.get(id) as { last_used_at: string } | undefined;
      if (row !== undefined) found[id] = row.last_used_at;
    }
    return found;
  }

  audit(query: AuditQuery): AuditPage {
    const conditions: string[] = [];
    const values: (string | number)[] = [];
    const where = (condition: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      conditions.push(condition);
      values.push(value);
    };
    where("seq < ?", query.cursor === undefined ? undefined : Number(query.cursor));
    where("object_type = ?", query.objectType);
    where("object_id = ?", query.objectId);
    where("actor = ?", query.actor);
    where("action = ?", query.action);
    where("ts >= ?", query.since);
    const sql =
      `SELECT seq, entry FROM governance_audit ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""} ` +
      "ORDER BY seq DESC LIMIT ?";
    const rows = this.database.prepare(sql).all(...values, query.limit + 1) as {
      seq: number;
      entry: string;
    }[];
    const page = rows.slice(0, query.limit);
    return {
      entries: page.map((row) => ({
        id: String(row.seq),
        ...(JSON.parse(row.entry) as Omit<AuditEntry, "id">),
      })),
      next_cursor: rows.length > query.limit ? String(page.at(-1)?.seq) : null,
    };
  }

  close(): void {
    this.database.close();
  }
}
