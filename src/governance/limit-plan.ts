import type { Budget, Limits } from "../config/governance/limit-blocks.js";
import { TEST_HOOKS } from "../config/test-hooks.js";
import { CalendarWindows, FixedWindows } from "./limits/calendar-window.js";
import type {
  BudgetSpec,
  ConcurrencySpec,
  LimitLabel,
  LimitScope,
  LimitSpec,
  RateSpec,
} from "./limits/limit-spec.js";

/** A budget of one scope, with its calendar, whose spec is rebuilt only when its window rolls over. */
interface BudgetSlot {
  budget: Budget;
  label: LimitLabel;
  key: string;
  windows: CalendarWindows | FixedWindows;
  boundaries: number[] | undefined;
  spec: BudgetSpec | undefined;
}

/**
 * The limits and budgets attached to one scope (the gateway, an org, a group, a key, a route, a key on a
 * route), turned once into the specs the store decides over. Built when a route table or a key is loaded,
 * never per request; per request only the budgets' current windows are looked up (a cached comparison).
 */
export class ScopeLimits {
  readonly rates: readonly (RateSpec | ConcurrencySpec)[];
  private readonly budgets: BudgetSlot[];

  constructor(scope: LimitScope, id: string, limits: Limits, budgets: readonly Budget[]) {
    const keyId = id === "" ? "-" : id;
    const label = (name: string): LimitLabel => ({ scope, id, name });
    const rates: (RateSpec | ConcurrencySpec)[] = limits.rates.map((rate) => ({
      kind: "rate",
      key: `rl:${scope}:${keyId}:${rate.name}`,
      label: label(rate.name),
      unit: rate.unit,
      limit: rate.limit,
      windowMs: rate.windowMs,
      burst: rate.burst,
    }));
    if (limits.concurrency !== null) {
      rates.push({
        kind: "concurrency",
        key: `cc:${scope}:${keyId}`,
        label: label("concurrency"),
        max: limits.concurrency,
      });
    }
    this.rates = rates;
    this.budgets = budgets.map((budget) => ({
      budget,
      label: label(budget.name),
      key: `bud:${scope}:${keyId}:${budget.name}`,
      windows: windowsOf(budget),
      boundaries: undefined,
      spec: undefined,
    }));
  }

  get empty(): boolean {
    return this.rates.length === 0 && this.budgets.length === 0;
  }

  get hasBudgets(): boolean {
    return this.budgets.length > 0;
  }

  /** Adds this scope's specs to `into`: budgets only when `withBudgets` (a request whose cost is unknown skips them). */
  collect(into: LimitSpec[], nowMs: number, withBudgets: boolean): void {
    for (const spec of this.rates) into.push(spec);
    if (!withBudgets) return;
    for (const slot of this.budgets) into.push(this.budgetSpec(slot, nowMs));
  }

  private budgetSpec(slot: BudgetSlot, nowMs: number): BudgetSpec {
    const boundaries = slot.windows.around(nowMs);
    if (slot.spec === undefined || slot.boundaries !== boundaries) {
      const { budget } = slot;
      slot.boundaries = boundaries;
      slot.spec = {
        kind: "budget",
        key: slot.key,
        label: slot.label,
        amountNano: budget.amountNanoUsd,
        action: budget.action,
        alertAt: [...budget.alertAt].sort((a, b) => a - b),
        boundaries,
      };
    }
    return slot.spec;
  }

  /** Each budget with its spec for the window holding `nowMs` (the admin's list of budgets reads their state). */
  budgetSpecs(nowMs: number): { budget: Budget; spec: BudgetSpec }[] {
    return this.budgets.map((slot) => ({ budget: slot.budget, spec: this.budgetSpec(slot, nowMs) }));
  }

  /** The budgets, for messages (`per 1 day`) and `/v1/me`. */
  budgetOf(name: string): Budget | undefined {
    return this.budgets.find((slot) => slot.budget.name === name)?.budget;
  }
}

/** A budget's calendar; fixed short windows only under the test-only hook (DESIGN.md, "Test-only hooks"). */
function windowsOf(budget: Budget): CalendarWindows | FixedWindows {
  const testWindowMs = TEST_HOOKS.budgetWindowMs;
  return testWindowMs === undefined
    ? new CalendarWindows(budget.period, budget.tz)
    : new FixedWindows(testWindowMs);
}
