import type { GatewayConfig } from "../../config/gateway-config.js";
import type { OwnedService } from "../../coordination/coordinator.js";
import type { ObjectKind } from "../objects/governance-records.js";
import type { AuditQuery, ChangeEvent, ObjectWrite } from "./governance-store.js";
import { SqliteGovernanceStore } from "./sqlite-governance-store.js";

export const GOVERNANCE_STORE_SERVICE = "governance.store";
export const GOVERNANCE_CHANGED_TOPIC = "governance.changed";

/** One call to the embedded store, as it crosses from a worker to the owner (plain JSON). */
export type StoreCall =
  | { op: "get"; kind: ObjectKind; id: string }
  | { op: "list"; kind: ObjectKind }
  | { op: "write"; change: ObjectWrite }
  | { op: "touch"; usedAt: Record<string, string> }
  | { op: "lastUsed"; ids: string[] }
  | { op: "audit"; query: AuditQuery };

/**
 * The embedded store, held by the owner process for every worker: it opens the SQLite file on the first call
 * (a gateway that never uses keys never creates it) and tells every worker of each change.
 */
export function createGovernanceStoreService(
  config: GatewayConfig,
  publish: (topic: string, payload: unknown) => void,
): OwnedService {
  const settings = config.governance.store;
  const path = settings.kind === "local" ? settings.path : undefined;
  let store: SqliteGovernanceStore | undefined;
  const open = (): SqliteGovernanceStore => {
    if (path === undefined)
      throw new Error("the embedded governance store is not configured (store.kind is redis)");
    store ??= new SqliteGovernanceStore(path);
    return store;
  };
  return {
    name: GOVERNANCE_STORE_SERVICE,
    handle(payload) {
      const call = payload as StoreCall;
      switch (call.op) {
        case "get":
          return open().get(call.kind, call.id) ?? null;
        case "list":
          return open().list(call.kind);
        case "write": {
          const result = open().write(call.change);
          if (result.ok) {
            const event: ChangeEvent = { kind: call.change.kind, id: call.change.id };
            publish(GOVERNANCE_CHANGED_TOPIC, event);
          }
          return result;
        }
        case "touch":
          open().touchKeys(call.usedAt);
          return null;
        case "lastUsed":
          return open().lastUsed(call.ids);
        case "audit":
          return open().audit(call.query);
      }
    },
    close() {
      store?.close();
      store = undefined;
    },
  };
}
