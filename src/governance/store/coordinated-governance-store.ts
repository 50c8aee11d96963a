import type { Coordinator } from "../../coordination/coordinator.js";
import type { GovernanceRecord, ObjectKind } from "../objects/governance-records.js";
import {
  type AuditPage,
  type AuditQuery,
  type ChangeEvent,
  type GovernanceStore,
  type ObjectWrite,
  StoreUnavailableError,
  type WriteResult,
} from "./governance-store.js";
import {
  GOVERNANCE_CHANGED_TOPIC,
  GOVERNANCE_STORE_SERVICE,
  type StoreCall,
} from "./governance-store-service.js";

/** A store call waits at most this long for the owner (one process away, on the same machine). */
const CALL_TIMEOUT_MS = 2000;

/**
 * The embedded store as a worker sees it: every call goes to the owner process, which holds the SQLite file;
 * changes arrive as coordinator events, from whichever worker made them.
 */
export class CoordinatedGovernanceStore implements GovernanceStore {
  constructor(private readonly coordinator: Coordinator) {}

  async get(kind: ObjectKind, id: string): Promise<GovernanceRecord | undefined> {
    const record = await this.call({ op: "get", kind, id });
    return record === null ? undefined : (record as GovernanceRecord);
  }

  async list(kind: ObjectKind): Promise<GovernanceRecord[]> {
    return (await this.call({ op: "list", kind })) as GovernanceRecord[];
  }

  async write(change: ObjectWrite): Promise<WriteResult> {
    return (await this.call({ op: "write", change })) as WriteResult;
  }

  async touchKeys(usedAt: Record<string, string>): Promise<void> {
    await this.call({ op: "touch", usedAt });
  }

  async lastUsed(ids: readonly string[]): Promise<Record<string, string>> {
    return (await this.call({ op: "lastUsed", ids: [...ids] })) as Record<string, string>;
  }

  async audit(query: AuditQuery): Promise<AuditPage> {
    return (await this.call({ op: "audit", query })) as AuditPage;
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.coordinator.subscribe(GOVERNANCE_CHANGED_TOPIC, (payload) =>
      listener(payload as ChangeEvent),
    );
  }

  async close(): Promise<void> {}

  private async call(call: StoreCall): Promise<unknown> {
    try {
      return await this.coordinator.call(GOVERNANCE_STORE_SERVICE, call, { timeoutMs: CALL_TIMEOUT_MS });
    } catch (error) {
      throw new StoreUnavailableError(
        `the governance store did not answer: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}
