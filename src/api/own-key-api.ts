import type { FastifyInstance } from "fastify";
import type { GovernanceRuntime } from "../governance/governance-runtime.js";
import { keyView } from "../governance/objects/governance-records.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { keyViewSchema } from "./admin-openapi-schemas.js";
import { liveQuota, quotaEntrySchema } from "./live-quota.js";
import { openAIErrorFormat } from "./openai-error-format.js";
import { ANY_REQUEST_ERRORS, errorResponses } from "./openapi/operation-docs.js";

/**
 * `GET /v1/me`: any gateway key reads its own record (scopes, expiry, limits, budgets; never a secret or a
 * digest), plus the org its group belongs to and its live quota (what is left of every limit and budget). Needs a gateway key even where inference does not.
 */
export function registerOwnKey(
  scope: FastifyInstance,
  governance: GovernanceRuntime,
  holder: RouteTableHolder,
): void {
  scope.get(
    "/me",
    {
      config: { surface: "self" },
      schema: {
        operationId: "getOwnKey",
        tags: ["OpenAI-compatible API"],
        summary: "The calling gateway key's own record",
        security: [{ gatewayKey: [] }],
        // Documented where gateway keys are in use.
        ...(governance.access.keyHasher === undefined ? { hide: true } : {}),
        response: {
          200: {
            ...keyViewSchema,
            description: "The key's record (never a secret or a digest), with its group's org.",
            properties: {
              ...keyViewSchema.properties,
              org: { type: ["string", "null"] },
              quota: {
                type: ["array", "null"],
                description:
                  "Every limit and budget that applies to the key (its own, its group's and org's, the gateway's) with what is left now; null when the limit store cannot say.",
                items: quotaEntrySchema,
              },
            },
          },
          ...errorResponses(openAIErrorFormat, [401, 503, ...ANY_REQUEST_ERRORS]),
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
      return {
        ...keyView(known.record, used?.[known.record.id] ?? null),
        org: known.principal.org ?? null,
        quota: await liveQuota(holder, known.principal),
      };
    },
  );
}
