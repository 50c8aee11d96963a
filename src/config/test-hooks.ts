/**
 * Test-only hooks of the exactness suite (DESIGN.md, "Test-only hooks"). Each is read from a `SWITCHYARD_TEST_*`
 * environment variable, and only when `NODE_ENV` is `test` as well: no config file can turn one on, and neither
 * can a production environment that happens to carry a stray variable. None is in the user documentation.
 */
export interface TestHooks {
  /** Added to this process's clock (`Date.now`): a replica whose clock is off, to show that Redis `TIME` decides. */
  clockOffsetMs: number;
  /** Budgets use fixed windows of this length instead of their calendar period (window rollover in seconds). */
  budgetWindowMs: number | undefined;
  /** Each settle that reached Redis is sent again this many times (settles must be idempotent). */
  settleReplays: number;
  /** A limiter that reads, decides and writes in separate round trips (the suite's control run). */
  naiveLimiter: boolean;
}

const NONE: TestHooks = {
  clockOffsetMs: 0,
  budgetWindowMs: undefined,
  settleReplays: 0,
  naiveLimiter: false,
};

export function readTestHooks(env: NodeJS.ProcessEnv): TestHooks {
  if (env.NODE_ENV !== "test") return NONE;
  const integer = (name: string, minimum: number, maximum: number): number | undefined => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    const parsed = Number(value);
    return Number.isInteger(parsed) && parsed >= minimum && parsed <= maximum ? parsed : undefined;
  };
  return {
    clockOffsetMs: integer("SWITCHYARD_TEST_CLOCK_OFFSET_MS", -86_400_000, 86_400_000) ?? 0,
    budgetWindowMs: integer("SWITCHYARD_TEST_BUDGET_WINDOW_MS", 100, 86_400_000),
    settleReplays: integer("SWITCHYARD_TEST_SETTLE_REPLAYS", 0, 10) ?? 0,
    naiveLimiter: env.SWITCHYARD_TEST_NAIVE_LIMITER === "1",
  };
}

/** This process's hooks, read once at start. */
export const TEST_HOOKS: TestHooks = readTestHooks(process.env);

/** The names of the hooks that are on, for the start-up warning. */
export function activeTestHooks(hooks: TestHooks = TEST_HOOKS): string[] {
  const active: string[] = [];
  if (hooks.clockOffsetMs !== 0) active.push(`SWITCHYARD_TEST_CLOCK_OFFSET_MS=${hooks.clockOffsetMs}`);
  if (hooks.budgetWindowMs !== undefined)
    active.push(`SWITCHYARD_TEST_BUDGET_WINDOW_MS=${hooks.budgetWindowMs}`);
  if (hooks.settleReplays > 0) active.push(`SWITCHYARD_TEST_SETTLE_REPLAYS=${hooks.settleReplays}`);
  if (hooks.naiveLimiter) active.push("SWITCHYARD_TEST_NAIVE_LIMITER=1");
  return active;
}

/**
 * Shifts this process's `Date.now` by the clock-offset hook: everything the process times by the wall clock
 * (budget windows it computes, the naive limiter, heartbeats) sees a clock that is off, as on a host whose clock
 * drifted. Called once, first thing, by the CLI (the primary and every worker run it).
 */
export function applyTestClockOffset(hooks: TestHooks = TEST_HOOKS): void {
  if (hooks.clockOffsetMs === 0) return;
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + hooks.clockOffsetMs;
}
