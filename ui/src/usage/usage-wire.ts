/**
 * `GET /admin/v1/usage?from=&to=&group_by=day,key,route,model` (docs/limits-and-budgets.md, "The usage API"):
 * requests, tokens and cost per UTC day, key, route and model, summed from the gateway's per-day aggregates.
 */
export interface UsageRow {
  day?: string;
  /** The key's public id; null for calls made without a key. */
  key?: string | null;
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
  from: string;
  to: string;
  group_by: string[];
  data: UsageRow[];
}
