import { gatewayJson } from "../session/gateway-request.js";
import type { UsageAnswer } from "./usage-wire.js";

/** The usage API with the session's admin key: days are UTC, inclusive. */
export function readUsage(from: string, to: string, groupBy: string): Promise<UsageAnswer> {
  const query = new URLSearchParams({ from, to, group_by: groupBy });
  return gatewayJson<UsageAnswer>(`/admin/v1/usage?${query.toString()}`);
}
