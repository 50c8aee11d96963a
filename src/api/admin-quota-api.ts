import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import type { GovernanceRuntime } from "../governance/governance-runtime.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import type { AdminContext } from "./admin-api.js";
import { idParams } from "./admin-openapi-schemas.js";
import { liveQuota, quotaEntrySchema } from "./live-quota.js";

/**
 * `GET /admin/v1/keys/{id}/quota`: what `/v1/me` shows a key of its own quota (every limit and budget of the
 * key, its group and org, and the gateway's, with what is left now and when it resets), for the admin: the web
 * console's budgets read it. Read from the limit store, never reserved; `quota` is null when the store cannot
 * say.
 */
export function registerAdminQuota(
  scope: FastifyInstance,
  context: AdminContext,
  governance: GovernanceRuntime,
  holder: RouteTableHolder,
): void {
  scope.get<{ Params: { id: string } }>(
    "/keys/:id/quota",
    {
      schema: context.schema(
        "readKeyQuota",
        "A key's live quota: its limits and budgets, what is left, when they reset",
        {
          params: idParams,
          response: {
            200: {
              type: "object",
              properties: {
                id: { type: "string" },
                quota: { type: ["array", "null"], items: quotaEntrySchema },
              },
            },
          },
        },
      ),
    },
    async (request) => {
      const { id } = request.params;
      // The key's record (a 404 for an unknown id, as GET /keys/{id}), then its principal as requests see it.
      await context.operations().keys.get(id);
      const directory = governance.access.directory;
      const lookup = directory.peek(id) ?? (await directory.load(id));
      if (lookup.kind === "unavailable")
        throw new GatewayError(
          "governance_unavailable",
          "The key store cannot be read right now; retry shortly.",
          {
            retryAfterSeconds: 1,
          },
        );
      if (lookup.kind !== "found") return { id, quota: null };
      return { id, quota: await liveQuota(holder, lookup.key.principal) };
    },
  );
}
