import { describeZodIssue } from "../../dialects/zod-issue-text.js";
import type { ConfigIssue } from "../config-issue.js";
import type { ParseContext } from "../issue-reporter.js";
import { estimatesSection } from "./estimates-section.js";
import { globalBudgetsSection, globalLimitsSection } from "./global-limits-section.js";
import type { GovernanceConfig } from "./governance-config.js";
import type { GovernanceSection, ReportSectionIssue } from "./governance-section.js";
import { pricesSection } from "./prices-section.js";
import { storeSection } from "./store-settings.js";
import { usageLogSection } from "./usage-log-section.js";

/** Every block `governance:` may hold, in the order they are checked. One line per block. */
const SECTIONS: readonly GovernanceSection<string, GovernanceConfig[keyof GovernanceConfig]>[] = [
  storeSection,
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
export function parseGovernance(value: unknown, context: ParseContext): GovernanceConfig | undefined {
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
            report([...issue.path, key], `unknown key '${key}'; allowed: ${keysOf(section)}`, true);
        else report(issue.path, describeZodIssue(issue, false));
      }
      continue;
    }
    settings[section.field ?? section.key] = section.finish(shape.data, context, report);
  }
  if (context.issues.length > before) return undefined;
  return settings as unknown as GovernanceConfig;
}

function keysOf(section: GovernanceSection<string, unknown>): string {
  const shape = (section.schema as { shape?: Record<string, unknown> }).shape;
  return shape === undefined ? "see the configuration reference" : Object.keys(shape).join(", ");
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
