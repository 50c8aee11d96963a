import { join } from "node:path";
import { DEFAULT_STORE_FILE, type StoreSettings } from "./store-settings.js";

/**
 * The validated `governance:` block: plain data, as the rest of the config (it crosses to workers over IPC).
 * Each block has its own file in this folder; `parse-governance.ts` lists them.
 */
export interface GovernanceConfig {
  store: StoreSettings;
}

/** Every default: what a config without a `governance:` block gets (the store file beside the config file). */
export function defaultGovernanceConfig(configDirectory: string): GovernanceConfig {
  return { store: { kind: "local", path: join(configDirectory, DEFAULT_STORE_FILE) } };
}
