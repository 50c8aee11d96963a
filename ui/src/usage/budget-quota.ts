import { gatewayJson } from "../session/gateway-request.js";
import type { QuotaEntry } from "./budget-consumption.js";

/** Most keys whose quota one page view reads (one request each). */
const MAX_KEYS = 50;

/**
 * The live quota of some keys, by key id: the limit store's own figures (what is left of each budget of the
 * key, its group and its org, and when each resets). A key whose quota cannot be read is left out.
 */
export async function readQuotas(keys: readonly string[]): Promise<Map<string, QuotaEntry[]>> {
  const quotas = new Map<string, QuotaEntry[]>();
  await Promise.all(
    keys.slice(0, MAX_KEYS).map(async (key) => {
      try {
        const answer = await gatewayJson<{ quota: QuotaEntry[] | null }>(
          `/admin/v1/keys/${encodeURIComponent(key)}/quota`,
        );
        if (answer.quota !== null) quotas.set(key, answer.quota);
      } catch {
        // Shown as unknown: the daily aggregates may still say.
      }
    }),
  );
  return quotas;
}
