import { gatewayJson } from "../session/gateway-request.js";
import type { BudgetsAnswer, UsageAnswer } from "./usage-wire.js";

/** The usage API with the session's admin key: buckets are UTC days or hours, inclusive. */
export function readUsage(parameters: {
  bucket: "day" | "hour";
  from: string;
  to: string;
  groupBy: string;
}): Promise<UsageAnswer> {
  const query = new URLSearchParams({
    bucket: parameters.bucket,
    from: parameters.from,
    to: parameters.to,
    group_by: parameters.groupBy,
  });
  return gatewayJson<UsageAnswer>(`/admin/v1/usage?${query.toString()}`);
}

/** One page of the gateway's budgets with their consumption. */
export function readBudgets(limit: number, cursor: string | undefined): Promise<BudgetsAnswer> {
  const query = new URLSearchParams({ limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
  return gatewayJson<BudgetsAnswer>(`/admin/v1/budgets?${query.toString()}`);
}
