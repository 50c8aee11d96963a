import type { FastifyInstance } from "fastify";
import type { GovernanceRuntime } from "../governance/governance-runtime.js";
import { keyView } from "../governance/objects/governance-records.js";
import { keyViewSchema } from "./admin-openapi-schemas.js";

/**
 * `GET /v1/me`: any gateway key reads its own record (scopes, expiry, limits, budgets; never a secret or a
 * digest), plus the org its group belongs to. Needs a gateway key even where inference does not.
 */
export function registerOwnKey(scope: FastifyInstance, governance: GovernanceRuntime): void {
  scope.get(
    "/me",
    {
      config: { surface: "self" },
      schema: {
        tags: ["OpenAI-compatible API"],
        summary: "The calling gateway key's own record",
        security: [{ gatewayKey: [] }],
        response: {
          200: {
            ...keyViewSchema,
            properties: { ...keyViewSchema.properties, org: { type: ["string", "null"] } },
          },
        },
      },
    },
    async (request) => {
      // The hook let the request in only with a valid gateway key.
      const known = request.gatewayKey;
      if (known === null) return undefined;
      const used = await governance.admin?.store
        .lastUsed([known.record.id])
        .catch(() => ({}) as Record<string, string>);
      return { ...keyView(known.record, used?.[known.record.id] ?? null), org: known.principal.org ?? null };
    },
  );
}
