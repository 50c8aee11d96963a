import type { Principal } from "../governance/principal.js";
import type { QuotaEntry } from "../governance/quota-view.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";

/** One entry of a key's live quota, as `/v1/me` and the admin API's key quota document it. */
export const quotaEntrySchema = {
  type: "object",
  properties: {
    scope: { type: "string", enum: ["key", "group", "org", "global"] },
    id: { type: "string" },
    name: { type: "string" },
    kind: { type: "string", enum: ["rate", "concurrency", "budget"] },
    unit: { type: "string", enum: ["requests", "tokens"] },
    limit: { type: "integer" },
    per: { type: "string" },
    amount_usd: { type: "string" },
    action: { type: "string", enum: ["reject", "alert"] },
    remaining: { type: ["integer", "string", "null"], description: "Units, or USD for budgets." },
    reset_at: { type: ["string", "null"], format: "date-time" },
  },
};

/**
 * A key's live quota: every limit and budget of its scopes with what is left now. Read from the limit store,
 * never reserved; null (not an error) when the store cannot answer.
 */
export async function liveQuota(
  holder: RouteTableHolder,
  principal: Principal,
): Promise<QuotaEntry[] | null> {
  return (await holder.governor?.quotaOf(holder.current.governance, principal).catch(() => null)) ?? null;
}
