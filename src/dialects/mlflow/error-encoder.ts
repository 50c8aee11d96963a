import type { GatewayError } from "../../canonical/index.js";

/**
 * MLflow's errors are FastAPI's `{"detail": ...}`. An upstream error without a message passes the upstream's
 * JSON body as the detail, as MLflow does, so the caller still sees what the provider said.
 */
export function encodeMlflowError(error: GatewayError): { detail: unknown } {
  if (error.upstreamBody !== undefined) return { detail: error.upstreamBody };
  return { detail: error.message };
}
