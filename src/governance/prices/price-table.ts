import type { PriceOverride } from "../../config/governance/limit-blocks.js";
import type { PriceSettings } from "../../config/governance/prices-section.js";
import builtin from "./builtin-prices.json" with { type: "json" };
import {
  decodeRawPrices,
  mergeOverride,
  type PriceEntry,
  type Prices,
  type RawPrices,
} from "./price-entry.js";

/** The table's model matching rules (genai-prices' MatchLogic), on the lower-cased model name. */
type MatchLogic =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchLogic[] }
  | { and: MatchLogic[] };

interface RawModel {
  id: string;
  match: MatchLogic;
  prices: ({ since: string | null } & RawPrices)[];
}

interface RawProvider {
  id: string;
  model_match?: MatchLogic;
  models: RawModel[];
}

interface RawTable {
  version: string;
  sha256: string;
  providers: RawProvider[];
}

function matches(logic: MatchLogic, model: string): boolean {
  if ("equals" in logic) return model === logic.equals;
  if ("starts_with" in logic) return model.startsWith(logic.starts_with);
  if ("ends_with" in logic) return model.endsWith(logic.ends_with);
  if ("contains" in logic) return model.includes(logic.contains);
  if ("regex" in logic) return new RegExp(logic.regex).test(model);
  if ("or" in logic) return logic.or.some((inner) => matches(inner, model));
  return logic.and.every((inner) => matches(inner, model));
}

/**
 * The vendored price table (generated at build time from genai-prices, see PROVENANCE.md) with the config's
 * overrides. Looked up when a route table is built, once per target, never per request.
 */
export class PriceTable {
  readonly version: string;
  private readonly providers: RawProvider[];

  constructor(
    private readonly settings: PriceSettings,
    table: RawTable = builtin as unknown as RawTable,
  ) {
    this.version = settings.table === "builtin" ? table.version : "none";
    this.providers = settings.table === "builtin" ? table.providers : [];
  }

  /**
   * The prices of a model served by a provider, with overrides merged field by field: the global override
   * (`provider/model`, then `model`), the route's, then the target's. Undefined when nothing prices it.
   * The table's provider of the same name is searched first, then any provider whose models the name matches.
   */
  lookup(
    provider: string,
    model: string,
    ...overrides: (PriceOverride | null | undefined)[]
  ): PriceEntry | undefined {
    const found = this.find(provider, model.toLowerCase());
    const layered = [
      this.settings.overrides[`${provider}/${model}`],
      this.settings.overrides[model],
      ...overrides,
    ];
    const applied = layered.filter((override): override is PriceOverride => override != null);
    if (found === undefined && applied.length === 0) return undefined;
    const base: PriceEntry = found ?? { id: "override", history: [{ sinceMs: 0, prices: {} }] };
    if (applied.length === 0) return base;
    return {
      id: found === undefined ? "override" : `${base.id}+override`,
      history: base.history.map((step) => ({
        sinceMs: step.sinceMs,
        prices: applied.reduce<Prices>((prices, override) => mergeOverride(prices, override), step.prices),
      })),
    };
  }

  /** The configured default price (for `unpriced: default_price`). */
  defaultPrice(): PriceEntry | undefined {
    const price = this.settings.defaultPrice;
    if (price === null) return undefined;
    return { id: "default_price", history: [{ sinceMs: 0, prices: mergeOverride({}, price) }] };
  }

  private find(provider: string, model: string): PriceEntry | undefined {
    const own = this.providers.find((candidate) => candidate.id === provider);
    const ordered = [
      ...(own === undefined ? [] : [own]),
      ...this.providers.filter(
        (candidate) =>
          candidate !== own && candidate.model_match !== undefined && matches(candidate.model_match, model),
      ),
    ];
    for (const candidate of ordered) {
      const entry = candidate.models.find((raw) => matches(raw.match, model));
      if (entry !== undefined) return toEntry(candidate.id, entry);
    }
    return undefined;
  }
}

function toEntry(provider: string, raw: RawModel): PriceEntry {
  return {
    id: `genai-prices:${provider}/${raw.id}`,
    history: raw.prices.map((step) => ({
      sinceMs: step.since === null ? 0 : Date.parse(`${step.since}T00:00:00Z`),
      prices: decodeRawPrices(step),
    })),
  };
}
