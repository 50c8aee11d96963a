import type { BudgetPeriod } from "../../config/governance/limit-blocks.js";

/**
 * Budget windows follow the calendar of a time zone: a `day` budget in Europe/Berlin resets at midnight in
 * Berlin, summer time or not; a `week` starts on Monday (ISO 8601); a `month` on its first day. Boundaries are
 * epoch milliseconds; computing them takes `Intl`, so `CalendarWindows` keeps the current ones and recomputes
 * only when a boundary passes.
 */

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 1 = Monday ... 7 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function localTime(ms: number, tz: string): LocalTime & { second: number } {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(tz).formatToParts(ms)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? "Mon"] ?? 1,
  };
}

/** The zone's offset from UTC at an instant, in ms (local wall time minus UTC). */
function offsetAt(ms: number, tz: string): number {
  const local = localTime(ms, tz);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a local wall time happens in the zone. Around a DST change the offset before and after differ,
 * so the guess is corrected once; a wall time skipped by the change maps to the instant the change happens.
 */
function instantOf(year: number, month: number, day: number, hour: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  const guess = wall - offsetAt(wall, tz);
  const corrected = wall - offsetAt(guess, tz);
  return offsetAt(corrected, tz) === offsetAt(guess, tz) ? corrected : Math.max(guess, corrected);
}

/** The start of the period that contains `ms`, and the start of the period `steps` later (negative: earlier). */
export function periodStart(period: BudgetPeriod, tz: string, ms: number, steps = 0): number {
  const local = localTime(ms, tz);
  switch (period) {
    case "hour": {
      // A wall-clock hour: from the local hour's start (a half-hour zone's hours start at :30 UTC).
      const start = ms - (local.minute * 60 + local.second) * 1000 - (ms % 1000);
      return start + steps * 3_600_000;
    }
    case "day": {
      const day = new Date(Date.UTC(local.year, local.month - 1, local.day + steps));
      return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), 0, tz);
    }
    case "week": {
      const monday = new Date(
        Date.UTC(local.year, local.month - 1, local.day - (local.weekday - 1) + 7 * steps),
      );
      return instantOf(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 0, tz);
    }
    case "month": {
      const first = new Date(Date.UTC(local.year, local.month - 1 + steps, 1));
      return instantOf(first.getUTCFullYear(), first.getUTCMonth() + 1, 1, 0, tz);
    }
  }
}

/** Window starts around `ms`: the previous window, the current one, and the two after it. */
export function boundariesAround(period: BudgetPeriod, tz: string, ms: number): number[] {
  return [-1, 0, 1, 2].map((steps) => periodStart(period, tz, ms, steps));
}

/** One period and zone's boundaries, recomputed only when the clock leaves the current window. */
export class CalendarWindows {
  private cached: number[] = [];

  constructor(
    readonly period: BudgetPeriod,
    readonly tz: string,
  ) {}

  /** Ascending starts: [previous, current, next, after next]; the current window is [1]..[2]. */
  around(ms: number): number[] {
    const cached = this.cached;
    if (cached.length === 4 && ms >= (cached[1] as number) && ms < (cached[2] as number)) return cached;
    this.cached = boundariesAround(this.period, this.tz, ms);
    return this.cached;
  }
}

/** Which window of `boundaries` holds `ms`: its index, or -1 when none does. */
export function windowIndex(boundaries: readonly number[], ms: number): number {
  for (let index = 0; index + 1 < boundaries.length; index++) {
    if (ms >= (boundaries[index] as number) && ms < (boundaries[index + 1] as number)) return index;
  }
  return -1;
}

/**
 * Windows of a fixed length from the epoch, in the shape of `CalendarWindows`: only for the test-only hook
 * `SWITCHYARD_TEST_BUDGET_WINDOW_MS` (a rollover every 2 seconds, where a calendar period would take an hour).
 */
export class FixedWindows {
  private cached: number[] = [];

  constructor(readonly lengthMs: number) {}

  around(ms: number): number[] {
    const cached = this.cached;
    if (cached.length === 4 && ms >= (cached[1] as number) && ms < (cached[2] as number)) return cached;
    const start = Math.floor(ms / this.lengthMs) * this.lengthMs;
    this.cached = [-1, 0, 1, 2].map((steps) => start + steps * this.lengthMs);
    return this.cached;
  }
}
