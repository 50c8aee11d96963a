import { secretValues } from "../providers/provider-definition.js";
import { findProvider } from "../providers/registry.js";
import type { GatewayConfig } from "./gateway-config.js";

/**
 * The resolved secrets of a config (every provider key, nested ones such as `aws_config.aws_secret_access_key`
 * included, and the secrets inside them, such as a service-account key's private key), for the process's
 * SecretSet.
 */
export function configSecrets(config: GatewayConfig): string[] {
  const secrets: string[] = [];
  for (const route of config.routes) {
    for (const target of route.targets) {
      const provider = findProvider(target.provider);
      if (provider !== undefined) secrets.push(...secretValues(provider, target.config));
    }
  }
  return secrets;
}
