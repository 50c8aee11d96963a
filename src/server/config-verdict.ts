import type { ConfigIssue } from "../config/config-issue.js";
import { configSecrets } from "../config/config-secrets.js";
import type { GatewayConfig } from "../config/gateway-config.js";
import { parseConfig } from "../config/parse-config.js";
import { unpricedBudgetWarnings } from "./unpriced-budget-warnings.js";

/**
 * What checking a config file's text concludes: everything the primary process needs to act on the file without
 * loading the validation code itself (plain data: it crosses from the checking process over IPC).
 */
export type ConfigVerdict =
  | {
      ok: true;
      config: GatewayConfig;
      /** The config's secrets (config-secrets.ts), for the primary's own log redaction. */
      secrets: string[];
      /** Valid, but worth telling (a budget that cannot count a model with no price). */
      warnings: string[];
    }
  | { ok: false; issues: ConfigIssue[] };

/** Validates a config file's text, as `switchyard validate` and the primary's config check do. */
export function checkConfigText(text: string, file: string, env: NodeJS.ProcessEnv): ConfigVerdict {
  const result = parseConfig(text, file, env);
  if (!result.ok) return { ok: false, issues: result.issues };
  return {
    ok: true,
    config: result.config,
    secrets: configSecrets(result.config),
    warnings: unpricedBudgetWarnings(result.config),
  };
}
