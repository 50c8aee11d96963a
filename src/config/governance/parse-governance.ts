import type { z } from "zod";
import { describeZodIssue } from "../../dialects/zod-issue-text.js";
import type { ConfigIssue } from "../config-issue.js";
import type { RouteConfig } from "../gateway-config.js";
import type { ParseContext } from "../issue-reporter.js";
import { adminSection } from "./admin-settings.js";
import { authSection } from "./auth-settings.js";
import { groupsSection, keysSection, orgsSection } from "./declared-objects.js";
import type { GovernanceConfig } from "./governance-config.js";
import { checkGovernanceReferences } from "./governance-references.js";
import type { GovernanceSection, ReportSectionIssue } from "./governance-section.js";
import { storeSection } from "./store-settings.js";

/** Every block `governance:` may hold, in the order they are checked. One line per block. */
const SECTIONS: readonly GovernanceSection<
  keyof GovernanceConfig,
  GovernanceConfig[keyof GovernanceConfig]
>[] = [storeSection, authSection, adminSection, orgsSection, groupsSection, keysSection];

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
    settings[section.key] = section.finish(shape.data, context, report);
  }
  if (context.issues.length > before) return undefined;
  const governance = settings as unknown as GovernanceConfig;
  checkGovernanceReferences(governance, entries, routes, (path, message, atKey = false) =>
    pushIssue(context, ["governance", ...path], message, atKey),
  );
  if (context.issues.length > before) return undefined;
  return governance;
}

/** The keys allowed in the object at `path` of a schema (through lists, optionals and unions). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string {
  const shape = objectShapeAt(schema, path);
  return shape === undefined ? "see the configuration reference" : Object.keys(shape).join(", ");
}

function objectShapeAt(schema: z.ZodType, path: readonly PropertyKey[]): Record<string, unknown> | undefined {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
      return objectShapeAt(def.innerType as z.ZodType, path);
    case "pipe":
      return objectShapeAt(def.in as z.ZodType, path);
    case "array":
      return objectShapeAt(def.element as z.ZodType, path.slice(1));
    case "union":
      for (const option of def.options as z.ZodType[]) {
        const shape = objectShapeAt(option, path);
        if (shape !== undefined) return shape;
      }
      return undefined;
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      if (path.length === 0) return shape;
      const inner = shape[String(path[0])];
      return inner === undefined ? undefined : objectShapeAt(inner, path.slice(1));
    }
    default:
      return undefined;
  }
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
