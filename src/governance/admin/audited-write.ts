import { GatewayError } from "../../canonical/index.js";
import type { Logger } from "../../observability/logger.js";
import { auditSnapshot, type GovernanceRecord, type ObjectKind } from "../objects/governance-records.js";
import type { GovernanceStore, NewAuditEntry } from "../store/governance-store.js";
import type { AdminActor } from "./admin-actor.js";
import { NOUN } from "./object-reader.js";

export interface AuditedChange {
  kind: ObjectKind;
  id: string;
  /** `key.create`, `key.rotate`, `group.delete`, ... */
  action: string;
  before: GovernanceRecord | null;
  after: GovernanceRecord | null;
  /** Keys: the alias after and before the change (kept unique among keys that are not deleted). */
  alias?: string | null;
  previousAlias?: string | null;
}

/** Someone else changed the object between our read and our write: read again and retry. */
export class ConcurrentChange extends Error {}

/**
 * Writes one admin change with its audit entry (one atomic store step), logs the entry, and tells this worker's
 * caches at once (other workers and replicas hear the store's change event).
 */
export class AuditedWriter {
  constructor(
    private readonly store: GovernanceStore,
    private readonly logger: Logger | undefined,
    private readonly onWritten: (kind: ObjectKind, id: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async commit(change: AuditedChange, actor: AdminActor): Promise<void> {
    const audit: NewAuditEntry = {
      ts: new Date(this.now()).toISOString(),
      actor: actor.actor,
      actor_ip: actor.ip,
      action: change.action,
      object_type: change.kind,
      object_id: change.id,
      before: auditSnapshot(change.kind, change.before),
      after: auditSnapshot(change.kind, change.after),
      request_id: actor.requestId,
    };
    const result = await this.store.write({
      kind: change.kind,
      id: change.id,
      expectedVersion: change.before?.version ?? 0,
      record: change.after,
      alias: change.alias ?? null,
      previousAlias: change.previousAlias ?? null,
      audit,
    });
    if (!result.ok) {
      switch (result.reason) {
        case "conflict":
          throw new ConcurrentChange();
        case "exists":
          throw new GatewayError(
            "conflict",
            `A ${NOUN[change.kind]} with the id '${change.id}' already exists.`,
          );
        case "missing":
          throw new GatewayError("not_found", `There is no ${NOUN[change.kind]} '${change.id}'.`);
        case "alias_taken":
          throw new GatewayError("conflict", `The alias '${change.alias}' is already used by another key.`, {
            param: "alias",
          });
      }
    }
    this.onWritten(change.kind, change.id);
    this.logger?.info(
      { audit: { id: result.ok ? result.auditId : undefined, ...audit } },
      `audit: ${audit.action} ${change.kind} '${change.id}' by ${audit.actor}`,
    );
  }
}

/** Runs a read-modify-write, again from the read if another writer got there first (a few times at most). */
export async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentChange)) throw error;
      if (tries >= 5)
        throw new GatewayError(
          "conflict",
          "The object kept changing while this request updated it; try again.",
        );
    }
  }
}
