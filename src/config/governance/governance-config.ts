import { join } from "node:path";
import type { AdminSettings } from "./admin-settings.js";
import type { AuthSettings } from "./auth-settings.js";
import type { DeclaredGroup, DeclaredKey, DeclaredOrg } from "./declared-objects.js";
import { DEFAULT_ESTIMATES, type EstimateSettings } from "./estimates-section.js";
import type { Budget, Limits } from "./limit-blocks.js";
import { DEFAULT_PRICE_SETTINGS, type PriceSettings } from "./prices-section.js";
import { DEFAULT_STORE_FILE, type StoreSettings } from "./store-settings.js";
import { DEFAULT_USAGE_LOG, type UsageLogSettings } from "./usage-log-section.js";

/**
 * The validated `governance:` block: plain data, as the rest of the config (it crosses to workers over IPC).
 * Each block has its own file in this folder; `parse-governance.ts` lists them.
 */
export interface GovernanceConfig {
  store: StoreSettings;
  /** Limits over the whole gateway. */
  limits: Limits;
  /** Budgets over the whole gateway's spend. */
  budgets: Budget[];
  prices: PriceSettings;
  estimates: EstimateSettings;
  usageLog: UsageLogSettings;
  auth: AuthSettings;
  admin: AdminSettings;
  orgs: DeclaredOrg[];
  groups: DeclaredGroup[];
  keys: DeclaredKey[];
}

/** Every default: what a config without a `governance:` block gets (the store file beside the config file). */
export function defaultGovernanceConfig(configDirectory: string): GovernanceConfig {
  return {
    store: { kind: "local", path: join(configDirectory, DEFAULT_STORE_FILE) },
    limits: { rates: [], concurrency: null },
    budgets: [],
    prices: DEFAULT_PRICE_SETTINGS,
    estimates: DEFAULT_ESTIMATES,
    usageLog: DEFAULT_USAGE_LOG,
    auth: {
      required: false,
      pepper: undefined,
      pepperPrevious: undefined,
      cacheTtlMs: 5000,
      staleForMs: 300_000,
      surfaces: { metrics: "open", docs: "open", openapi: "open", admin: "off" },
    },
    admin: { masterKeys: [] },
    orgs: [],
    groups: [],
    keys: [],
  };
}

/** Whether gateway keys are in use at all: only then is there a store to open and a pepper to hash with. */
export function usesGatewayKeys(governance: GovernanceConfig): boolean {
  return governance.auth.pepper !== undefined;
}
