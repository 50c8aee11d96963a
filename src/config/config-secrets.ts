import { findProvider } from "../providers/registry.js";
import type { GatewayConfig } from "./gateway-config.js";

/** The resolved secrets of a config (every provider key), for the process's SecretSet. */
export function configSecrets(config: GatewayConfig): string[] {
  const secrets: string[] = [];
  for (const route of config.routes) {
    for (const target of route.targets) {
      for (const field of findProvider(target.provider)?.secretFields ?? []) {
        const value = target.config[field];
        if (typeof value === "string") secrets.push(value);
      }
    }
  }
  return secrets;
}
