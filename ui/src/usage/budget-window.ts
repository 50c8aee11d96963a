/** A budget as the admin API gives it on a key, group or org. */
export interface BudgetBlock {
  name?: string;
  amount_usd: string | number;
  period: "hour" | "day" | "week" | "month";
  tz?: string;
  action?: "reject" | "alert";
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
}

/** The wall-clock time at `instant` in an IANA time zone. */
function wallClock(instant: Date, tz: string): WallClock & { weekday: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    weekday: "short",
  }).formatToParts(instant);
  const part = (type: string): string => parts.find((entry) => entry.type === type)?.value ?? "0";
  const weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  return {
    year: Number(part("year")),
    month: Number(part("month")),
    day: Number(part("day")),
    hour: Number(part("hour")),
    weekday: weekdays.indexOf(part("weekday")),
  };
}

/** The instant a wall-clock time in `tz` names (the zone's offset found by two corrections, DST included). */
function instantOf(clock: WallClock, tz: string): Date {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour);
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass++) {
    const seen = wallClock(new Date(guess), tz);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour);
    guess += asUtc - seenAsUtc;
  }
  return new Date(guess);
}

/**
 * The calendar window a budget counts now (hour, day, week from Monday, month, in its time zone): when it
 * began and when it resets.
 */
export function budgetWindow(budget: BudgetBlock, now: Date): { start: Date; reset: Date } {
  const tz = budget.tz ?? "UTC";
  const clock = wallClock(now, tz);
  const start: WallClock = { ...clock };
  const next: WallClock = { ...clock };
  if (budget.period === "hour") next.hour += 1;
  else {
    start.hour = 0;
    next.hour = 0;
    if (budget.period === "day") next.day += 1;
    else if (budget.period === "week") {
      start.day -= clock.weekday;
      next.day = start.day + 7;
    } else {
      start.day = 1;
      next.day = 1;
      next.month += 1;
    }
  }
  // Date.UTC rolls day 32 or hour 24 over, so the arithmetic above needs no calendar of its own.
  const normal = (value: WallClock): WallClock => {
    const date = new Date(Date.UTC(value.year, value.month - 1, value.day, value.hour));
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
    };
  };
  return { start: instantOf(normal(start), tz), reset: instantOf(normal(next), tz) };
}

/**
 * Whether the usage API's UTC days cover exactly this window, so its spend can be summed from them: a day,
 * week or month in UTC. An hour, or a window in another zone, cuts days in two.
 */
export function countableFromDays(budget: BudgetBlock): boolean {
  return budget.period !== "hour" && (budget.tz ?? "UTC") === "UTC";
}
