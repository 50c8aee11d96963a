import { describeZodIssue } from "../../dialects/zod-issue-text.js";
import type { ConfigIssue } from "../config-issue.js";
import type { RouteConfig } from "../gateway-config.js";
import type { ParseContext } from "../issue-reporter.js";
import { adminSection } from "./admin-settings.js";
import { authSection } from "./auth-settings.js";
import { groupsSection, keysSection, orgsSection } from "./declared-objects.js";
import { estimatesSection } from "./estimates-section.js";
import { globalBudgetsSection, globalLimitsSection } from "./global-limits-section.js";
import type { GovernanceConfig } from "./governance-config.js";
import { checkGovernanceReferences } from "./governance-references.js";
import type { GovernanceSection, ReportSectionIssue } from "./governance-section.js";
import { pricesSection } from "./prices-section.js";
import { keysAt } from "./schema-keys.js";
import { storeSection } from "./store-settings.js";
import { usageLogSection } from "./usage-log-section.js";

/** Every block `governance:` may hold, in the order they are checked. One line per block. */
const SECTIONS: readonly GovernanceSection<string, GovernanceConfig[keyof GovernanceConfig]>[] = [
  storeSection,
  authSection,
  adminSection,
  orgsSection,
  groupsSection,
  keysSection,
  globalLimitsSection,
  globalBudgetsSection,
  pricesSection,
  estimatesSection,
  usageLogSection,
];

export const GOVERNANCE_KEYS = SECTIONS.map((section) => section.key).join(", ");

/**
 * Validates the `governance:` block (absent or empty: every default). Problems are reported with file, line and
 * column like the rest of the config; undefined is returned when there were any.
 */
export function parseGovernance(
  value: unknown,
  context: ParseContext,
  routes: readonly RouteConfig[] = [],
): GovernanceConfig | undefined {
  const before = context.issues.length;
  const record = value ?? {};
  if (typeof record !== "object" || Array.isArray(record)) {
    pushIssue(context, ["governance"], `must be a mapping of: ${GOVERNANCE_KEYS}`);
    return undefined;
  }
  const entries = record as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    if (!SECTIONS.some((section) => section.key === key))
      pushIssue(context, ["governance", key], `unknown key '${key}'; allowed: ${GOVERNANCE_KEYS}`, true);
  }
  const settings: Partial<Record<string, unknown>> = {};
  for (const section of SECTIONS) {
    const prefix = ["governance", section.key];
    const report: ReportSectionIssue = (field, message, atKey = false) =>
      pushIssue(context, [...prefix, ...field], message, atKey);
    // An empty block (every line commented out) is YAML null: the defaults, as with no block at all.
    const raw = entries[section.key] ?? undefined;
    const shape =
      raw === undefined
        ? ({ success: true, data: undefined } as const)
        : section.schema.safeParse(raw, { reportInput: true });
    if (!shape.success) {
      for (const issue of shape.error.issues) {
        if (issue.code === "unrecognized_keys")
          for (const key of issue.keys)
            report(
              [...issue.path, key],
              `unknown key '${key}'; allowed: ${keysAt(section.schema, issue.path)}`,
              true,
            );
        else report(issue.path, describeZodIssue(issue, false));
      }
      continue;
    }
    settings[section.field ?? section.key] = section.finish(shape.data, context, report);
  }
  if (context.issues.length > before) return undefined;
  const governance = settings as unknown as GovernanceConfig;
  checkGovernanceReferences(governance, entries, routes, (path, message, atKey = false) =>
    pushIssue(context, ["governance", ...path], message, atKey),
  );
  if (context.issues.length > before) return undefined;
  return governance;
}

function pushIssue(
  context: ParseContext,
  path: readonly PropertyKey[],
  message: string,
  atKey = false,
): void {
  const position = atKey ? context.source.keyPositionOf(path) : context.source.positionOf(path);
  const issue: ConfigIssue = { file: context.file, ...position, message, field: path.join(".") };
  context.issues.push(issue);
}
