import type { GatewayError, RefusingLimit } from "../../canonical/index.js";

/**
 * MLflow's errors are FastAPI's `{"detail": ...}`. An upstream error without a message passes the upstream's
 * JSON body as the detail, as MLflow does, so the caller still sees what the provider said.
 */
export function encodeMlflowError(error: GatewayError): { detail: unknown } | { error: string } {
  if (error.upstreamBody !== undefined) return { detail: error.upstreamBody };
  const limit = error.limit;
  if (limit !== undefined) return encodeLimitDenial(error, limit);
  return { detail: error.message };
}

/**
 * The gateway's own limits, in the shapes MLflow's clients see: a rate limit as MLflow's deployments server
 * refused it (slowapi: `{"error": "Rate limit exceeded: 10 per 1 minute"}`), a budget as MLflow 3's gateway
 * does (`{"detail": "Budget limit exceeded. Limit: $1.00 USD per 1 day. Budget resets at ... Request rejected."}`,
 * mlflow/gateway/budget.py). Both then name the limit that refused.
 */
function encodeLimitDenial(
  error: GatewayError,
  limit: RefusingLimit,
): { detail: string } | { error: string } {
  const which = `${limit.kind === "budget" ? "budget" : "limit"} '${limit.name}' of ${describeScope(limit)}`;
  if (limit.kind === "budget") {
    const amount = Number(limit.limit).toFixed(2);
    const reset = `${limit.resetAt.slice(0, 19)}Z`;
    return {
      detail: `Budget limit exceeded. Limit: $${amount} USD per ${limit.per}. Budget resets at ${reset}. Request rejected (${which}).`,
    };
  }
  if (limit.kind === "concurrency") {
    return { error: `Rate limit exceeded: ${limit.limit} requests at once (${which})` };
  }
  const unit = limit.unit === "tokens" ? " tokens" : "";
  const prefix =
    error.retryAfterSeconds === undefined ? "Request too large for the limit" : "Rate limit exceeded";
  return { error: `${prefix}: ${limit.limit}${unit} per ${limit.per} (${which})` };
}

function describeScope(limit: RefusingLimit): string {
  if (limit.scope === "global") return "the gateway";
  if (limit.scope === "route_key") {
    const [route, key] = limit.id.split("/");
    return `key '${key}' on route '${route}'`;
  }
  return `${limit.scope} '${limit.id}'`;
}
