import { nanoToUsd } from "../../config/governance/limit-blocks.js";
import type { UsageRow } from "./usage-aggregates.js";
import type { UsageGroupBy } from "./usage-query.js";

/**
 * Rows of the aggregates (which count by key) summed by the dimensions asked, `group` among them: a key's
 * group is looked up in `groupOfKey` (null for calls without a key, or a key without a group). A key is in at
 * most one group, so the sums are exact; a key moved to another group takes its past usage with it.
 */
export function usageByGroup(
  rows: readonly UsageRow[],
  groupBy: readonly UsageGroupBy[],
  groupOfKey: ReadonlyMap<string, string | null>,
): UsageRow[] {
  const sums = new Map<string, UsageRow>();
  for (const row of rows) {
    const group = row.key === null || row.key === undefined ? null : (groupOfKey.get(row.key) ?? null);
    const values = groupBy.map((dimension) => (dimension === "group" ? group : row[dimension]));
    const id = JSON.stringify(values);
    let sum = sums.get(id);
    if (sum === undefined) {
      const fresh: UsageRow = {
        requests: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_nano_usd: 0,
        cost_usd: "0",
        unpriced_requests: 0,
      };
      groupBy.forEach((dimension, index) => {
        const value = values[index];
        if (dimension === "group" || dimension === "key") fresh[dimension] = value ?? null;
        else fresh[dimension] = value ?? "";
      });
      sums.set(id, fresh);
      sum = fresh;
    }
    sum.requests += row.requests;
    sum.input_tokens += row.input_tokens;
    sum.output_tokens += row.output_tokens;
    sum.cost_nano_usd += row.cost_nano_usd;
    sum.unpriced_requests += row.unpriced_requests;
  }
  return [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => ({ ...row, cost_usd: nanoToUsd(row.cost_nano_usd) }));
}
