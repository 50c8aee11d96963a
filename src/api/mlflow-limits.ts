import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { GatewayError } from "../canonical/index.js";
import { type MlflowLimit, mlflowLimitSchema } from "../config/governance/limit-blocks.js";
import type { Coordinator } from "../coordination/coordinator.js";
import { describeZodIssue } from "../dialects/zod-issue-text.js";
import { ROUTE_LIMITS_SERVICE } from "../governance/route-limit-overrides.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { routeNotFound } from "./mlflow-route-info.js";
import {
  ANY_REQUEST_ERRORS,
  errorResponses,
  jsonBody,
  jsonResponse,
  routeNameParams,
} from "./openapi/operation-docs.js";

const setLimitsSchema = z
  .object({ route: z.string().min(1), limits: z.array(mlflowLimitSchema).max(6) })
  .loose();

const EXPECTED =
  '(expected {"route": "<name>", "limits": [{"calls": N, "renewal_period": "minute"}]}; periods: second, minute, hour, day, month, year)';

/** MLflow's `Limit` objects: `{calls, key, renewal_period}`, `key` always null (MLflow's server ignores it). */
export function encodeLimits(limits: readonly MlflowLimit[]): { limits: Record<string, unknown>[] } {
  return {
    limits: limits.map((limit) => ({ calls: limit.calls, key: null, renewal_period: limit.renewalPeriod })),
  };
}

/** The body of `set_limits`, checked: the route's name and its limits, one per renewal period at most. */
function parseSetLimits(body: unknown): { route: string; limits: MlflowLimit[] } {
  const parsed = setLimitsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "";
    const problem = issue === undefined ? "invalid" : describeZodIssue(issue, false);
    throw new GatewayError(
      "invalid_body",
      `Invalid request body: ${field === "" ? "" : `${field}: `}${problem} ${EXPECTED}.`,
      field === "" ? {} : { param: field },
    );
  }
  const { route, limits } = parsed.data;
  const keyed = limits.findIndex((limit) => limit.key != null);
  if (keyed >= 0) {
    throw new GatewayError(
      "invalid_body",
      `Invalid request body: limits.${keyed}.key: must be null; per-key limits are configured with 'limits.per_key' on the route.`,
      { param: `limits.${keyed}.key` },
    );
  }
  const periods = new Set(limits.map((limit) => limit.renewal_period));
  if (periods.size !== limits.length) {
    throw new GatewayError(
      "invalid_body",
      "Invalid request body: limits: give each renewal_period at most once.",
      { param: "limits" },
    );
  }
  return {
    route,
    limits: limits.map((limit) => ({ calls: limit.calls, renewalPeriod: limit.renewal_period })),
  };
}

/**
 * MLflow's limits API, which the open-source MLflow gateway answers with 501 (only Databricks implements it):
 * `GET /api/2.0/gateway/limits/{route}` reads a route's request limits in MLflow's form (`get_limits`), and
 * `POST /api/2.0/gateway/limits` sets them (`set_limits`): they replace the route's request rates from the file
 * on every worker at once, and are kept across restarts. Token limits, in-flight limits and budgets stay as
 * configured. The same under `/api/2.0/endpoints/limits` (the deployments client).
 */
export function registerMlflowLimits(
  app: FastifyInstance,
  holder: RouteTableHolder,
  coordinator: Coordinator,
): void {
  const tags = ["MLflow AI Gateway"];
  for (const base of ["/api/2.0/gateway/limits", "/api/2.0/endpoints/limits"]) {
    const hide = base.includes("endpoints");
    app.get<{ Params: { route: string } }>(
      `${base}/:route`,
      {
        schema: {
          hide,
          operationId: "getLimits",
          tags,
          summary: "Get a route's request limits (the MLflow client's get_limits)",
          params: routeNameParams("route", "The route whose limits to read.", "chat"),
          response: {
            200: jsonResponse("The route's request limits, in MLflow's form.", "MlflowLimits"),
            ...errorResponses(mlflowErrorFormat, [404, 414, ...ANY_REQUEST_ERRORS]),
          },
        },
      },
      async (request) => {
        const route = holder.current.get(request.params.route);
        if (route === undefined) throw routeNotFound(request.params.route);
        return encodeLimits(holder.governor?.mlflowLimitsOf(route.governance) ?? []);
      },
    );
    app.post(
      base,
      {
        // Limits are settings: with gateway keys in use, only a master key may change them.
        config: { surface: "settings" },
        schema: {
          hide,
          operationId: "setLimits",
          tags,
          summary: "Set a route's request limits (the MLflow client's set_limits)",
          description:
            "Needs a master key where gateway keys are in use. " +
            "Replaces the route's request limits (`rps`, `rpm`, `rph`, `rpd` and MLflow's `limit:`) on every " +
            "worker, from the next request on; kept across restarts. `limits: []` removes them. Token limits, " +
            "in-flight limits and budgets stay as configured.",
          body: jsonBody("MlflowSetLimitsRequest", {
            chat: {
              summary: "1,000 calls a minute on route 'chat'",
              value: { route: "chat", limits: [{ calls: 1000, renewal_period: "minute" }] },
            },
          }),
          response: {
            200: jsonResponse("The route's request limits now.", "MlflowLimits"),
            ...errorResponses(mlflowErrorFormat, [400, 401, 404, 413, 415, 422, 503, ...ANY_REQUEST_ERRORS]),
          },
        },
      },
      async (request) => {
        const { route: name, limits } = parseSetLimits(request.body);
        const route = holder.current.get(name);
        if (route === undefined) throw routeNotFound(name);
        try {
          await coordinator.call(ROUTE_LIMITS_SERVICE, { op: "set", route: route.name, limits });
        } catch (error) {
          throw new GatewayError(
            "governance_unavailable",
            "The limits could not be kept (the governance store did not answer); nothing changed. Retry shortly.",
            { retryAfterSeconds: 1, cause: error },
          );
        }
        return encodeLimits(limits);
      },
    );
  }
}
