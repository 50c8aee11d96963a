import { z } from "zod";
import type { GovernanceSection } from "./governance-section.js";
import { type PriceOverride, priceSchema } from "./limit-blocks.js";

/** `governance.prices`: the price table in use, overrides, and what budgets do with a model without a price. */
export interface PriceSettings {
  /** `builtin`: the vendored table (`src/governance/prices/`); `none`: only overrides price anything. */
  table: "builtin" | "none";
  /** Entries by `provider/model` (or `model` for any provider), merged field by field over the table's. */
  overrides: Record<string, PriceOverride>;
  /**
   * A request to a model with no price: `allow_unmetered` (budgets do not apply; its cost is null),
   * `deny` (refused where a budget applies), `default_price` (priced at `defaultPrice`, marked as such).
   */
  unpriced: "allow_unmetered" | "deny" | "default_price";
  defaultPrice: PriceOverride | null;
}

const schema = z
  .object({
    table: z.enum(["builtin", "none"]).optional(),
    overrides: z.record(z.string().min(1).max(200), priceSchema).optional(),
    unpriced: z.enum(["allow_unmetered", "deny", "default_price"]).optional(),
    default_price: priceSchema.optional(),
  })
  .strict();

export const DEFAULT_PRICE_SETTINGS: PriceSettings = {
  table: "builtin",
  overrides: {},
  unpriced: "allow_unmetered",
  defaultPrice: null,
};

export const pricesSection: GovernanceSection<"prices", PriceSettings> = {
  key: "prices",
  schema,
  finish(value, _context, report) {
    const entry = (value ?? {}) as z.infer<typeof schema>;
    const unpriced = entry.unpriced ?? "allow_unmetered";
    if (unpriced === "default_price" && entry.default_price === undefined) {
      report(
        ["unpriced"],
        "'unpriced: default_price' needs 'default_price' (for example {input_per_mtok: 10, output_per_mtok: 30})",
      );
      return undefined;
    }
    return {
      table: entry.table ?? "builtin",
      overrides: entry.overrides ?? {},
      unpriced,
      defaultPrice: entry.default_price ?? null,
    };
  },
};
