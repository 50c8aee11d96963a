import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { GatewayError } from "../canonical/index.js";
import type { Coordinator } from "../coordination/coordinator.js";
import type { AdminActor, RouteCatalogue } from "../governance/admin/admin-actor.js";
import { readAuditLog } from "../governance/admin/audit-log-reader.js";
import type { GovernanceAdmin, GovernanceRuntime } from "../governance/governance-runtime.js";
import type { RouteTable } from "../routing/route-table.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { registerAdminBudgets } from "./admin-budgets-api.js";
import { adminErrorFormat } from "./admin-error-format.js";
import { registerAdminHierarchy } from "./admin-hierarchy-api.js";
import { registerAdminKeys } from "./admin-keys-api.js";
import { ADMIN_SECURITY, ADMIN_TAG, auditPageSchema } from "./admin-openapi-schemas.js";
import { registerAdminQuota } from "./admin-quota-api.js";
import { registerAdminUsage } from "./admin-usage-api.js";
import { allErrorsBut, errorResponses } from "./openapi/operation-docs.js";

/** What the admin routes share: the operations, who calls, and the live routes scopes are checked against. */
export interface AdminContext {
  operations(): GovernanceAdmin;
  actorOf(request: FastifyRequest): AdminActor;
  catalogue(): RouteCatalogue;
  /** A route's schema: its tag, the master key, the error shape; hidden from the docs when admin is off. */
  schema(operationId: string, summary: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The admin API under `/admin/v1` (JSON; errors in the OpenAI envelope, naming the field: admin-error-format.ts): keys, groups, orgs,
 * the audit log and usage. Every route needs a master key (`access-hooks.ts`, surface `admin`); every change is
 * audited. Routes under `/admin/` are the admin surface (`access-hooks.ts`). Each response carries `x-request-id` (the caller's, or a new one), which the audit entry records.
 */
export async function registerAdminApi(
  app: FastifyInstance,
  governance: GovernanceRuntime,
  holder: RouteTableHolder,
  documented: boolean,
  coordinator: Coordinator,
): Promise<void> {
  const catalogues = new WeakMap<RouteTable, RouteCatalogue>();
  const context: AdminContext = {
    operations: () => {
      const admin = governance.admin;
      if (admin === undefined)
        throw new GatewayError(
          "not_found",
          "The admin API is not available: gateway keys are not configured.",
        );
      return admin;
    },
    actorOf: (request) => ({
      actor: request.adminActor ?? "unknown",
      ip: request.ip ?? null,
      requestId: String(request.id),
    }),
    schema: (operationId, summary, extra = {}) => {
      const response = (extra.response as Record<string, unknown> | undefined) ?? {};
      return {
        operationId,
        tags: [ADMIN_TAG],
        summary,
        security: ADMIN_SECURITY,
        ...(documented ? {} : { hide: true }),
        ...extra,
        response: { ...response, ...errorResponses(adminErrorFormat, allErrorsBut(adminErrorFormat)) },
      };
    },
    catalogue: () => {
      const table = holder.current;
      let catalogue = catalogues.get(table);
      if (catalogue === undefined) {
        catalogue = {
          routes: table.routes.map((route) => route.name),
          models: [...new Set(table.routes.flatMap((route) => route.targetModels))],
        };
        catalogues.set(table, catalogue);
      }
      return catalogue;
    },
  };
  await app.register(
    async (scope) => {
      scope.addHook("onRequest", (request, reply, done) => {
        const given = request.headers["x-request-id"];
        const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
        request.id = id;
        reply.header("x-request-id", id);
        done();
      });
      registerAdminKeys(scope, context);
      registerAdminHierarchy(scope, context);
      registerAdminUsage(scope, context, coordinator);
      registerAdminQuota(scope, context, governance, holder);
      registerAdminBudgets(scope, context, governance, holder);
      scope.get(
        "/audit",
        {
          schema: context.schema("readAuditLog", "Read the audit log (newest first)", {
            querystring: {
              type: "object",
              properties: {
                object_type: { type: "string", enum: ["key", "group", "org"] },
                object_id: { type: "string" },
                actor: { type: "string" },
                action: { type: "string" },
                since: { type: "string", format: "date-time" },
                limit: { type: "integer", minimum: 1, maximum: 500 },
                cursor: { type: "string" },
              },
            },
            response: { 200: auditPageSchema },
          }),
        },
        async (request) => readAuditLog(context.operations().store, request.query),
      );
    },
    { prefix: "/admin/v1" },
  );
}
