import type { GovernanceSection } from "./governance-section.js";
import {
  type Budget,
  budgetsSchema,
  type Limits,
  limitsSchema,
  toBudgets,
  toLimits,
} from "./limit-blocks.js";

/** `governance.limits`: limits over the whole gateway (every request counts against them). */
export const globalLimitsSection: GovernanceSection<"limits", Limits> = {
  key: "limits",
  schema: limitsSchema,
  finish: (value) => toLimits(value as Parameters<typeof toLimits>[0]),
};

/** `governance.budgets`: budgets over the whole gateway's spend. */
export const globalBudgetsSection: GovernanceSection<"budgets", Budget[]> = {
  key: "budgets",
  schema: budgetsSchema,
  finish(value, _context, report) {
    const { budgets, duplicateNames } = toBudgets(value as Parameters<typeof toBudgets>[0]);
    for (const index of duplicateNames)
      report([index, "name"], "repeats the name of an earlier global budget; give each a distinct 'name'");
    return duplicateNames.length > 0 ? undefined : budgets;
  },
};
