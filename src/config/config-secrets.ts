import { secretValues } from "../providers/provider-definition.js";
import { findProvider } from "../providers/registry.js";
import type { GatewayConfig } from "./gateway-config.js";

/**
 * The resolved secrets of a config, for the process's SecretSet: every provider key (nested ones such as
 * `aws_config.aws_secret_access_key` included, and the secrets inside them, such as a service-account key's
 * private key), the key pepper (current and previous) and the master keys given in the clear. Gateway keys and
 * master keys given as digests are not known here; the access check adds each one the first time it sees it
 * valid.
 */
export function configSecrets(config: GatewayConfig): string[] {
  const secrets: string[] = [];
  for (const route of config.routes) {
    for (const target of route.targets) {
      const provider = findProvider(target.provider);
      if (provider !== undefined) secrets.push(...secretValues(provider, target.config));
    }
  }
  const { auth, admin } = config.governance;
  for (const value of [auth.pepper, auth.pepperPrevious]) if (value !== undefined) secrets.push(value);
  for (const key of admin.masterKeys) if ("key" in key) secrets.push(key.key);
  return secrets;
}
