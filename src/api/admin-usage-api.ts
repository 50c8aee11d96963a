import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import type { Coordinator } from "../coordination/coordinator.js";
import type { UsageRow } from "../governance/usage/usage-aggregates.js";
import { USAGE_SERVICE } from "../governance/usage/usage-batch.js";
import { usageByGroup } from "../governance/usage/usage-by-group.js";
import { parseUsageQuery } from "../governance/usage/usage-query.js";
import type { AdminContext } from "./admin-api.js";

const usageRowSchema = {
  type: "object",
  properties: {
    day: { type: "string", format: "date" },
    hour: { type: "string", format: "date-time", description: "The hour's first instant (bucket=hour)." },
    key: { type: ["string", "null"], description: "The key's public id; null for calls without a key." },
    group: {
      type: ["string", "null"],
      description: "The key's group (now); null for calls without a key or a key without a group.",
    },
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
 * `GET /admin/v1/usage?bucket=&from=&to=&group_by=key,route,model&key=`: requests, tokens and cost per UTC day
 * (or hour, `bucket=hour`), key, group, route and model, from the aggregates the owner keeps (SQLite, or Redis
 * shared by every replica), never from the log.
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
            bucket: {
              type: "string",
              enum: ["day", "hour"],
              description:
                "The time bucket: UTC days (default; kept 400 days) or UTC hours (kept `governance.usage_log.hourly_retention_days`).",
            },
            from: {
              type: "string",
              description:
                "First UTC day, YYYY-MM-DD (default: `to`); with bucket=hour, a UTC hour as YYYY-MM-DDTHH[:MM[:SS]]Z or a day.",
              examples: ["2026-12-01", "2026-12-04T13:00Z"],
            },
            to: {
              type: "string",
              description: "Last UTC day or hour, inclusive (default: today, or the current hour).",
            },
            group_by: {
              type: "string",
              description:
                "Comma list of day (or hour with bucket=hour), key, group, route, model; none sums everything.",
              examples: ["key,route", "hour,key"],
            },
            key: { type: "string", description: "Only this key's usage (its public id)." },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              bucket: { type: "string", enum: ["day", "hour"] },
              from: { type: "string", description: "A day, or an hour's first instant (bucket=hour)." },
              to: { type: "string" },
              group_by: { type: "array", items: { type: "string" } },
              data: { type: "array", items: usageRowSchema },
            },
          },
        },
      }),
    },
    async (request) => {
      const query = parseUsageQuery(request.query);
      let rows: UsageRow[];
      try {
        rows = (await coordinator.call(USAGE_SERVICE, {
          op: "query",
          query: query.aggregates,
        })) as UsageRow[];
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
      if (query.groupBy.includes("group")) {
        const keys = await context.operations().reader.list("key");
        rows = usageByGroup(rows, query.groupBy, new Map(keys.map((key) => [key.id, key.group ?? null])));
      }
      return { bucket: query.bucket, from: query.from, to: query.to, group_by: query.groupBy, data: rows };
    },
  );
}
