import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";

/**
 * MLflow's client has `set_limits` / `get_limits`, which only Databricks implements; the open-source gateway
 * answers 501, and so does this one, so those calls fail the same clear way.
 */
export function registerMlflowLimits(app: FastifyInstance): void {
  const hide = { schema: { hide: true } };
  app.get("/api/2.0/gateway/limits/:route", hide, async () => {
    throw new GatewayError("not_implemented", "The get_limits API is not available in this gateway.");
  });
  app.post("/api/2.0/gateway/limits", hide, async () => {
    throw new GatewayError("not_implemented", "The set_limits API is not available in this gateway.");
  });
}
