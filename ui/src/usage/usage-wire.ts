/**
 * `GET /admin/v1/usage?bucket=&from=&to=&group_by=` and `GET /admin/v1/budgets` (docs/limits-and-budgets.md):
 * requests, tokens and cost per UTC day or hour, key, group, route and model, summed from the gateway's
 * aggregates; every budget with its current window's spend.
 */
export interface UsageRow {
  day?: string;
  /** The hour's first instant, `2026-12-04T13:00:00Z`. */
  hour?: string;
  /** The key's public id; null for calls made without a key. */
  key?: string | null;
  /** The key's group; null for calls without a key, or a key without a group. */
  group?: string | null;
  route?: string;
  model?: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  /** Priced requests only, in nano-USD (1e-9 USD): exact integers. */
  cost_nano_usd: number;
  cost_usd: string;
  /** Requests without a price: their cost is unknown, never counted as 0. */
  unpriced_requests: number;
}

export interface UsageAnswer {
  bucket: "day" | "hour";
  from: string;
  to: string;
  group_by: string[];
  data: UsageRow[];
}

export interface BudgetView {
  scope: "global" | "route" | "org" | "group" | "key";
  /** The route, org, group or key id; "" for the gateway's. */
  id: string;
  alias?: string | null;
  name: string;
  amount_usd: string;
  period: "hour" | "day" | "week" | "month";
  tz: string;
  action: "reject" | "alert";
  /** Spent in the current window as the limit store counts it; null when it cannot say. */
  spent_usd: string | null;
  remaining_usd: string | null;
  window_start: string;
  reset_at: string;
}

export interface BudgetsAnswer {
  data: BudgetView[];
  next_cursor: string | null;
  state_known: boolean;
}
