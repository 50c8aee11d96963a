import type { BudgetAlert, BudgetSpec } from "./limit-spec.js";

/** One budget's counters in one calendar window, in nano-USD. */
export interface BudgetWindow {
  used: number;
  held: number;
  /** The highest alert threshold reported in this window. */
  alerted: number;
}

/** Budget windows that started longer ago than this are past (a month is at most 31 days, plus a margin). */
const OLD_WINDOW_MS = 62 * 86_400_000;

/** The ledger's budget counters: spend and holds per budget key and window start. */
export class BudgetWindows {
  private readonly budgets = new Map<string, Map<number, BudgetWindow>>();

  /** A window's counters, if it has any. */
  peek(key: string, start: number): BudgetWindow | undefined {
    return this.budgets.get(key)?.get(start);
  }

  /** A window's counters, created empty when it has none. */
  window(key: string, start: number): BudgetWindow {
    let windows = this.budgets.get(key);
    if (windows === undefined) {
      windows = new Map();
      this.budgets.set(key, windows);
    }
    let counters = windows.get(start);
    if (counters === undefined) {
      counters = { used: 0, held: 0, alerted: 0 };
      windows.set(start, counters);
    }
    return counters;
  }

  /** Spend per budget window, for persistence: [key, window start, used nano-USD]. */
  spend(): [string, number, number][] {
    const rows: [string, number, number][] = [];
    for (const [key, windows] of this.budgets)
      for (const [start, counters] of windows) rows.push([key, start, counters.used]);
    return rows;
  }

  /** The highest alert threshold crossed for the first time in this window, if any (reported once). */
  crossedThreshold(spec: BudgetSpec, start: number, counters: BudgetWindow): BudgetAlert | undefined {
    let crossed: number | undefined;
    for (const threshold of spec.alertAt) {
      if (threshold > counters.alerted && counters.used >= Math.ceil(threshold * spec.amountNano))
        crossed = threshold;
    }
    if (crossed === undefined) return undefined;
    counters.alerted = crossed;
    return {
      label: spec.label,
      threshold: crossed,
      usedNano: counters.used,
      amountNano: spec.amountNano,
      windowStartMs: start,
    };
  }

  /** Drops windows long past that hold nothing. */
  forgetOld(nowMs: number): void {
    for (const windows of this.budgets.values()) {
      for (const [start, counters] of windows)
        if (start < nowMs - OLD_WINDOW_MS && counters.held === 0) windows.delete(start);
    }
  }
}
