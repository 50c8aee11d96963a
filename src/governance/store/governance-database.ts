import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";

// The SQLite driver (a native addon) is loaded by the first open: a gateway that never keeps keys, spend or usage
// in the embedded store does not carry it. It is CommonJS, so require() keeps opening synchronous.
const requireModule = createRequire(import.meta.url);

/** One schema change, applied once per database file, in list order. `id` never changes once shipped. */
export interface Migration {
  id: string;
  sql: string;
}

export type GovernanceDatabase = BetterSqlite3.Database;

/**
 * Opens (creating if needed) the embedded store's SQLite file and applies the migrations it has not seen.
 * Only the owner process opens it (the primary in a cluster): SQLite calls are synchronous, so they never run
 * in a worker, and one writer keeps the file consistent. Each module passes its own migrations (keys, audit,
 * spend, ...), prefixed with its name so ids never collide.
 */
export function openGovernanceDatabase(path: string, migrations: readonly Migration[]): GovernanceDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const Database = requireModule("better-sqlite3") as typeof BetterSqlite3;
  const database = new Database(path);
  try {
    migrate(database, migrations);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

function migrate(database: GovernanceDatabase, migrations: readonly Migration[]): void {
  // WAL: readers never block the writer, and a crash loses at most the last transaction.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    database
      .prepare("SELECT id FROM schema_migrations")
      .all()
      .map((row) => (row as { id: string }).id),
  );
  const record = database.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)");
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    database.transaction(() => {
      database.exec(migration.sql);
      record.run(migration.id, new Date().toISOString());
    })();
  }
}
