import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openGovernanceDatabase } from "./governance-database.js";

const scratch: string[] = [];
afterEach(() => {
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("the embedded store's SQLite file", () => {
  it("creates the file and its folder, applies each migration once, and keeps data across reopening", () => {
    const directory = mkdtempSync(join(tmpdir(), "switchyard-db-"));
    scratch.push(directory);
    const path = join(directory, "state", "governance.db");
    const migrations = [{ id: "test.1", sql: "CREATE TABLE things (name TEXT PRIMARY KEY)" }];
    const first = openGovernanceDatabase(path, migrations);
    first.prepare("INSERT INTO things (name) VALUES (?)").run("kept");
    first.close();

    const again = openGovernanceDatabase(path, [
      ...migrations,
      { id: "test.2", sql: "ALTER TABLE things ADD COLUMN size INTEGER" },
    ]);
    expect(again.prepare("SELECT name, size FROM things").all()).toEqual([{ name: "kept", size: null }]);
    expect(again.prepare("SELECT id FROM schema_migrations ORDER BY id").all()).toEqual([
      { id: "test.1" },
      { id: "test.2" },
    ]);
    again.close();
  });

  it("leaves the file untouched when a migration fails", () => {
    const directory = mkdtempSync(join(tmpdir(), "switchyard-db-"));
    scratch.push(directory);
    const path = join(directory, "governance.db");
    expect(() =>
      openGovernanceDatabase(path, [{ id: "bad.1", sql: "CREATE TABLE a (x); CREATE TABLE a (x)" }]),
    ).toThrow(/already exists/);
    const database = openGovernanceDatabase(path, []);
    expect(database.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").all()).toEqual([]);
    database.close();
  });
});
