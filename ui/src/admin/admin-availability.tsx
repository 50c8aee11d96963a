import { GatewayAnswerError } from "../session/gateway-request.js";

/** The message for an admin call that failed, with what to do when the admin API is off or signed out. */
export function adminProblem(error: unknown): string {
  if (error instanceof GatewayAnswerError && error.status === 404)
    return "This gateway does not serve its admin API: configure master keys (governance.admin.master_keys) and restart it. See docs/access-control.md.";
  if (error instanceof GatewayAnswerError && error.status === 401)
    return "Sign in with the gateway's admin key to see this page.";
  return (error as Error).message;
}
