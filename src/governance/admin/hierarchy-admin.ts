import { GatewayError } from "../../canonical/index.js";
import type { GroupRecord, OrgRecord } from "../objects/governance-records.js";
import type { AdminActor } from "./admin-actor.js";
import {
  createGroupSchema,
  createOrgSchema,
  fieldError,
  parseAdminBody,
  updateGroupSchema,
  updateOrgSchema,
} from "./admin-bodies.js";
import { type AuditedWriter, withRetries } from "./audited-write.js";
import { type ObjectReader, refuseDeclared } from "./object-reader.js";

/**
 * Groups (teams, projects) and the orgs they nest under, through the admin API. An object still referred to
 * (a group by keys that are not deleted, an org by groups) cannot be deleted: nothing is left dangling.
 */
export class HierarchyAdmin {
  constructor(
    private readonly reader: ObjectReader,
    private readonly writer: AuditedWriter,
    private readonly now: () => number = Date.now,
  ) {}

  async createOrg(body: unknown, actor: AdminActor): Promise<OrgRecord> {
    const input = parseAdminBody(createOrgSchema, body);
    await this.refuseTaken("org", input.id);
    const stamp = this.timestamp();
    const record: OrgRecord = {
      id: input.id,
      limits: input.limits ?? null,
      budgets: input.budgets ?? null,
      metadata: input.metadata ?? {},
      managed_by: "api",
      created_at: stamp,
      updated_at: stamp,
      version: 1,
    };
    await this.writer.commit(
      { kind: "org", id: record.id, action: "org.create", before: null, after: record },
      actor,
    );
    return record;
  }

  async createGroup(body: unknown, actor: AdminActor): Promise<GroupRecord> {
    const input = parseAdminBody(createGroupSchema, body);
    await this.refuseTaken("group", input.id);
    if (input.org !== undefined) await this.requireOrg(input.org);
    const stamp = this.timestamp();
    const record: GroupRecord = {
      id: input.id,
      org: input.org ?? null,
      limits: input.limits ?? null,
      budgets: input.budgets ?? null,
      metadata: input.metadata ?? {},
      managed_by: "api",
      created_at: stamp,
      updated_at: stamp,
      version: 1,
    };
    await this.writer.commit(
      { kind: "group", id: record.id, action: "group.create", before: null, after: record },
      actor,
    );
    return record;
  }

  async updateOrg(id: string, body: unknown, actor: AdminActor): Promise<OrgRecord> {
    const input = parseAdminBody(updateOrgSchema, body);
    return withRetries(async () => {
      const before = await this.reader.require("org", id);
      refuseDeclared("org", before);
      const after: OrgRecord = {
        ...before,
        ...attachmentsOf(input),
        version: before.version + 1,
        updated_at: this.timestamp(),
      };
      await this.writer.commit({ kind: "org", id, action: "org.update", before, after }, actor);
      return after;
    });
  }

  async updateGroup(id: string, body: unknown, actor: AdminActor): Promise<GroupRecord> {
    const input = parseAdminBody(updateGroupSchema, body);
    if (input.org != null) await this.requireOrg(input.org);
    return withRetries(async () => {
      const before = await this.reader.require("group", id);
      refuseDeclared("group", before);
      const after: GroupRecord = {
        ...before,
        ...attachmentsOf(input),
        version: before.version + 1,
        updated_at: this.timestamp(),
      };
      if (input.org !== undefined) after.org = input.org;
      await this.writer.commit({ kind: "group", id, action: "group.update", before, after }, actor);
      return after;
    });
  }

  async deleteOrg(id: string, actor: AdminActor): Promise<OrgRecord> {
    const before = await this.reader.require("org", id);
    refuseDeclared("org", before);
    const groups = (await this.reader.list("group"))
      .filter((group) => group.org === id)
      .map((group) => group.id);
    if (groups.length > 0)
      throw new GatewayError(
        "conflict",
        `The org '${id}' still has groups (${groups.slice(0, 10).join(", ")}); move or delete them first.`,
      );
    await this.writer.commit({ kind: "org", id, action: "org.delete", before, after: null }, actor);
    return before;
  }

  async deleteGroup(id: string, actor: AdminActor): Promise<GroupRecord> {
    const before = await this.reader.require("group", id);
    refuseDeclared("group", before);
    const keys = (await this.reader.list("key"))
      .filter((key) => key.group === id && key.status !== "deleted")
      .map((key) => key.id);
    if (keys.length > 0)
      throw new GatewayError(
        "conflict",
        `The group '${id}' still has keys (${keys.slice(0, 10).join(", ")}); move, revoke and delete them first.`,
      );
    await this.writer.commit({ kind: "group", id, action: "group.delete", before, after: null }, actor);
    return before;
  }

  private async refuseTaken(kind: "group" | "org", id: string): Promise<void> {
    if ((await this.reader.find(kind, id)) !== undefined)
      throw new GatewayError("conflict", `A ${kind} with the id '${id}' already exists.`, { param: "id" });
  }

  private async requireOrg(id: string): Promise<void> {
    if ((await this.reader.find("org", id)) === undefined)
      throw fieldError(["org"], `names no org: '${id}' does not exist (create it with POST /admin/v1/orgs)`);
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}

/** The limits, budgets and metadata of an update body, as the record stores them (null clears). */
function attachmentsOf(input: {
  limits?: OrgRecord["limits"] | undefined;
  budgets?: OrgRecord["budgets"] | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}): Partial<Pick<OrgRecord, "limits" | "budgets" | "metadata">> {
  const changes: Partial<Pick<OrgRecord, "limits" | "budgets" | "metadata">> = {};
  if (input.limits !== undefined) changes.limits = input.limits;
  if (input.budgets !== undefined) changes.budgets = input.budgets;
  if (input.metadata !== undefined) changes.metadata = input.metadata ?? {};
  return changes;
}
