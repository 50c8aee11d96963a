import { GatewayError } from "../../canonical/index.js";
import type { DeclaredRecords } from "../objects/declared-records.js";
import type { GovernanceRecord, KeyRecord, ObjectKind, RecordOfKind } from "../objects/governance-records.js";
import type { GovernanceStore } from "../store/governance-store.js";

/** Reads objects as the admin API shows them: declared ones (from the config) and stored ones, by id. */
export class ObjectReader {
  constructor(
    private readonly store: GovernanceStore,
    private readonly declared: () => DeclaredRecords,
  ) {}

  async find<K extends ObjectKind>(kind: K, id: string): Promise<RecordOfKind[K] | undefined> {
    const declared = this.declaredOf(kind).get(id);
    if (declared !== undefined) return declared as RecordOfKind[K];
    return (await this.store.get(kind, id)) as RecordOfKind[K] | undefined;
  }

  async require<K extends ObjectKind>(kind: K, id: string): Promise<RecordOfKind[K]> {
    const record = await this.find(kind, id);
    if (record === undefined) throw new GatewayError("not_found", `There is no ${NOUN[kind]} '${id}'.`);
    return record;
  }

  /** Declared and stored objects of a kind, by id (a declared object hides a stored one of the same id). */
  async list<K extends ObjectKind>(kind: K): Promise<RecordOfKind[K][]> {
    const declared = this.declaredOf(kind);
    const stored = (await this.store.list(kind)).filter((record) => !declared.has(record.id));
    return [...declared.values(), ...stored].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    ) as RecordOfKind[K][];
  }

  declaredKeyWithAlias(alias: string): KeyRecord | undefined {
    for (const record of this.declared().keys.values()) if (record.alias === alias) return record;
    return undefined;
  }

  isDeclared(kind: ObjectKind, id: string): boolean {
    return this.declaredOf(kind).has(id);
  }

  private declaredOf(kind: ObjectKind): ReadonlyMap<string, GovernanceRecord> {
    const declared = this.declared();
    return kind === "key" ? declared.keys : kind === "group" ? declared.groups : declared.orgs;
  }
}

export const NOUN: Record<ObjectKind, string> = { key: "key", group: "group", org: "org" };

/** Objects from the config change with the config, never through the API. */
export function refuseDeclared(kind: ObjectKind, record: GovernanceRecord): void {
  if (record.managed_by === "config")
    throw new GatewayError(
      "conflict",
      `The ${NOUN[kind]} '${record.id}' is declared in the config file (managed_by: config); change it there (a reload applies it).`,
    );
}
