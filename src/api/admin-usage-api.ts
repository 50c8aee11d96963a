import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import type { Coordinator } from "../coordination/coordinator.js";
import { USAGE_SERVICE } from "../governance/usage/usage-log-client.js";
import { parseUsageQuery } from "../governance/usage/usage-query.js";
import type { AdminContext } from "./admin-api.js";

const usageRowSchema = {
  type: "object",
  properties: {
    day: { type: "string", format: "date" },
    key: { type: ["string", "null"], description: "The key's public id; null for calls without a key." },
    route: { type: "string" },
    model: { type: "string" },
    requests: { type: "integer" },
    input_tokens: { type: "integer" },
    output_tokens: { type: "integer" },
    cost_nano_usd: { type: "integer", description: "Priced requests only, in nano-USD (1e-9 USD)." },
    cost_usd: { type: "string", description: "The same, as a decimal string." },
    unpriced_requests: {
      type: "integer",
      description: "Requests to a model without a price: not in the cost.",
    },
  },
};

/**
 * `GET /admin/v1/usage?from=&to=&group_by=key,route,model&key=`: requests, tokens and cost per UTC day, key,
 * route and model, from the per-day aggregates the owner keeps (SQLite, or Redis shared by every replica),
 * never from the log.
 */
export function registerAdminUsage(
  scope: FastifyInstance,
  context: AdminContext,
  coordinator: Coordinator,
): void {
  scope.get<{ Querystring: Record<string, string | undefined> }>(
    "/usage",
    {
      schema: context.schema("readUsage", "Usage and cost, aggregated", {
        querystring: {
          type: "object",
          properties: {
            from: { type: "string", format: "date", description: "First UTC day (default: `to`)." },
            to: { type: "string", format: "date", description: "Last UTC day, inclusive (default: today)." },
            group_by: {
              type: "string",
              description: "Comma list of day, key, route, model.",
              examples: ["key,route"],
            },
            key: { type: "string", description: "Only this key's usage (its public id)." },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              from: { type: "string", format: "date" },
              to: { type: "string", format: "date" },
              group_by: { type: "array", items: { type: "string" } },
              data: { type: "array", items: usageRowSchema },
            },
          },
        },
      }),
    },
    async (request) => {
      const query = parseUsageQuery(request.query);
      let rows: unknown;
      try {
        rows = await coordinator.call(USAGE_SERVICE, { op: "query", query });
      } catch (error) {
        throw new GatewayError(
          "governance_unavailable",
          "The usage aggregates cannot be read right now; retry shortly.",
          {
            retryAfterSeconds: 1,
            cause: error,
          },
        );
      }
      return { from: query.from, to: query.to, group_by: query.groupBy, data: rows };
    },
  );
}
