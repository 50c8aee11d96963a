import { OPERATION_OF_ROUTE_TYPE, ROUTE_TYPES, type RouteType } from "../canonical/index.js";
import { describeZodIssue } from "../dialects/zod-issue-text.js";
import { MIN_SECRET_LENGTH } from "../observability/secret-set.js";
import {
  type ProviderDefinition,
  secretFieldValue,
  setSecretFieldValue,
} from "../providers/provider-definition.js";
import { findProvider, providerNames } from "../providers/registry.js";
import type { TargetConfig } from "./gateway-config.js";
import type { ParseContext, ReportIssue } from "./issue-reporter.js";
import type { TargetEntry } from "./route-entry-schema.js";
import { resolveTimeouts, type TimeoutsEntry } from "./route-timeouts.js";
import { resolveSecretReference } from "./secret-reference.js";

/**
 * Validates one target (a route's `model:`, or an entry of its `targets:`) at `path` within the route: the
 * provider exists and serves the route's type, the model is named, the provider's settings are valid and its
 * secrets resolve.
 */
export function parseTarget(
  entry: TargetEntry,
  path: readonly PropertyKey[],
  type: RouteType | undefined,
  routeTimeouts: TimeoutsEntry,
  context: ParseContext,
  report: ReportIssue,
): TargetConfig | undefined {
  const provider = findProvider(entry.provider);
  if (provider === undefined) {
    report(
      [...path, "provider"],
      `unknown provider '${entry.provider}'; supported providers: ${providerNames().join(", ")}`,
    );
    return undefined;
  }
  if (type !== undefined && !provider.operations.includes(OPERATION_OF_ROUTE_TYPE[type])) {
    const served = ROUTE_TYPES.filter((candidate) =>
      provider.operations.includes(OPERATION_OF_ROUTE_TYPE[candidate]),
    );
    report(
      [...path, "provider"],
      `provider '${provider.name}' cannot serve ${type} routes; it serves: ${served.join(", ")}`,
    );
  }
  const model = entry.name ?? provider.defaultModelName;
  if (model === undefined) {
    report(
      [...path, "name"],
      `is required for provider '${provider.name}' (the upstream model, e.g. the provider's model id)`,
    );
  } else if (type !== undefined) {
    const problem = provider.modelProblem?.(model, OPERATION_OF_ROUTE_TYPE[type]);
    if (problem !== undefined) report([...path, "name"], problem);
  }
  const config = parseProviderConfig(provider, entry.config, [...path, "config"], context, report);
  if (model === undefined || config === undefined) return undefined;
  return {
    provider: provider.name,
    model,
    config,
    weight: entry.weight ?? 1,
    timeouts: resolveTimeouts(routeTimeouts, entry.timeouts),
    price: entry.price ?? null,
  };
}

function parseProviderConfig(
  provider: ProviderDefinition,
  raw: Record<string, unknown> | undefined,
  path: readonly PropertyKey[],
  context: ParseContext,
  report: ReportIssue,
): Record<string, unknown> | undefined {
  // A deep copy: secrets are written into nested mappings, and the parsed YAML must stay as it was.
  const resolved: Record<string, unknown> = structuredClone(raw ?? {});
  let secretsOk = true;
  for (const field of provider.secretFields) {
    const reference = secretFieldValue(resolved, field);
    if (typeof reference !== "string") continue;
    const secret = resolveSecretReference(reference, context.configDirectory, context.env);
    if (secret.ok && secret.value.length < MIN_SECRET_LENGTH) {
      // The length is said, never the value.
      report(
        [...path, ...field.split(".")],
        `is ${secret.value.length} characters long; a secret needs at least ${MIN_SECRET_LENGTH}: the gateway replaces every occurrence of its secrets in what it sends, which would mangle responses for a value this short (a local server that ignores keys takes any placeholder, e.g. 'unused-key')`,
      );
      secretsOk = false;
    } else if (secret.ok) setSecretFieldValue(resolved, field, secret.value);
    else {
      report([...path, ...field.split(".")], secret.message);
      secretsOk = false;
    }
  }
  provider.fillFromEnvironment?.(resolved, context.env);
  // Inputs are reported (so a wrong type is not mistaken for a missing key) but never echoed: a config value
  // may be a secret.
  const parsed = provider.configSchema.safeParse(resolved, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const allowed = allowedProviderKeys(provider);
        for (const key of issue.keys) {
          report(
            [...path, ...issue.path, key],
            `unknown key '${key}' for provider '${provider.name}'; allowed: ${allowed}`,
            true,
          );
        }
      } else {
        report([...path, ...issue.path], describeZodIssue(issue, false));
      }
    }
    return undefined;
  }
  return secretsOk ? parsed.data : undefined;
}

function allowedProviderKeys(provider: ProviderDefinition): string {
  const schema = provider.configSchema as unknown as { shape?: Record<string, unknown> };
  return schema.shape === undefined
    ? "see the config reference"
    : Object.keys(schema.shape).join(", ") || "(none)";
}
