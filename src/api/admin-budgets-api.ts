import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseAdminBody } from "../governance/admin/admin-bodies.js";
import { BUDGET_SCOPES, budgetLines, budgetViews } from "../governance/budget-listing.js";
import type { GovernanceRuntime } from "../governance/governance-runtime.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import type { AdminContext } from "./admin-api.js";
import { listOf } from "./admin-openapi-schemas.js";

const querySchema = z
  .object({
    scope: z.enum(BUDGET_SCOPES as [string, ...string[]]).optional(),
    id: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z
      .string()
      .regex(/^\d{1,9}$/, "must be the next_cursor of the previous page")
      .optional(),
  })
  .strict();

const budgetViewSchema = {
  type: "object",
  properties: {
    scope: { type: "string", enum: [...BUDGET_SCOPES] },
    id: { type: "string", description: "The route, org, group or key id; empty for the gateway's budgets." },
    alias: { type: ["string", "null"], description: "Keys only." },
    name: { type: "string" },
    amount_usd: { type: "string" },
    period: { type: "string", enum: ["hour", "day", "week", "month"] },
    tz: { type: "string" },
    action: { type: "string", enum: ["reject", "alert"] },
    spent_usd: {
      type: ["string", "null"],
      description: "Spent in the current window (calls in flight included), as the limit store counts it.",
    },
    remaining_usd: { type: ["string", "null"] },
    window_start: { type: "string", format: "date-time" },
    reset_at: { type: "string", format: "date-time", description: "When the window ends." },
  },
};

/**
 * `GET /admin/v1/budgets?scope=&id=&limit=&cursor=`: every budget the gateway enforces (the gateway's, each
 * route's, org's, group's and key's) with what its current window has spent and when it resets, a page at a
 * time. Read only: the spend comes from the limit store as `/v1/me` reads it, nothing is reserved.
 */
export function registerAdminBudgets(
  scope: FastifyInstance,
  context: AdminContext,
  governance: GovernanceRuntime,
  holder: RouteTableHolder,
): void {
  scope.get(
    "/budgets",
    {
      schema: context.schema(
        "listBudgets",
        "Every budget (gateway, routes, orgs, groups, keys) with its consumption and next reset",
        {
          querystring: {
            type: "object",
            properties: {
              scope: { type: "string", enum: [...BUDGET_SCOPES] },
              id: { type: "string", description: "Only the budgets of this route, org, group or key." },
              limit: { type: "integer", minimum: 1, maximum: 1000, description: "Default 100." },
              cursor: { type: "string", description: "next_cursor of the previous page" },
            },
          },
          response: {
            200: {
              ...listOf(budgetViewSchema),
              properties: {
                ...(listOf(budgetViewSchema).properties as Record<string, unknown>),
                state_known: {
                  type: "boolean",
                  description: "False when the limit store could not be read: spent and remaining are null.",
                },
              },
            },
          },
        },
      ),
    },
    async (request) => {
      const query = parseAdminBody(querySchema, request.query);
      const reader = governance.admin?.reader;
      const records =
        reader === undefined
          ? { keys: [], groups: [], orgs: [] }
          : {
              keys: await reader.list("key"),
              groups: await reader.list("group"),
              orgs: await reader.list("org"),
            };
      const table = holder.current;
      const all = budgetLines(
        table.governance,
        table.routes.map((route) => route.governance),
        records,
      ).filter(
        (line) =>
          (query.scope === undefined || line.scope === query.scope) &&
          (query.id === undefined || line.id === query.id),
      );
      const start = query.cursor === undefined ? 0 : Number(query.cursor);
      const limit = query.limit ?? 100;
      const page = all.slice(start, start + limit);
      const { views, stateKnown } = await budgetViews(page, holder.governor);
      return {
        data: views,
        next_cursor: start + limit < all.length ? String(start + limit) : null,
        state_known: stateKnown,
      };
    },
  );
}
