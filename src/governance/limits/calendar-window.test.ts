import { describe, expect, it } from "vitest";
import { boundariesAround, CalendarWindows, periodStart, windowIndex } from "./calendar-window.js";

const iso = (ms: number) => new Date(ms).toISOString();

describe("calendar budget windows", () => {
  it("start days, weeks and months at local midnight in the zone", () => {
    const at = Date.parse("2026-03-18T15:30:00Z"); // a Wednesday
    expect(iso(periodStart("day", "UTC", at))).toBe("2026-03-18T00:00:00.000Z");
    expect(iso(periodStart("day", "Europe/Berlin", at))).toBe("2026-03-17T23:00:00.000Z");
    expect(iso(periodStart("week", "UTC", at))).toBe("2026-03-16T00:00:00.000Z");
    expect(iso(periodStart("month", "America/New_York", at))).toBe("2026-03-01T05:00:00.000Z");
    expect(iso(periodStart("hour", "Asia/Kolkata", at))).toBe("2026-03-18T15:30:00.000Z");
  });

  it("follow daylight saving time: a Berlin day is 23 hours long when the clocks go forward", () => {
    const at = Date.parse("2026-03-29T12:00:00Z");
    const start = periodStart("day", "Europe/Berlin", at);
    const end = periodStart("day", "Europe/Berlin", at, 1);
    expect(iso(start)).toBe("2026-03-28T23:00:00.000Z");
    expect(iso(end)).toBe("2026-03-29T22:00:00.000Z");
    expect(end - start).toBe(23 * 3_600_000);
  });

  it("cross year ends and month lengths", () => {
    const at = Date.parse("2026-12-31T23:59:59Z");
    expect(boundariesAround("month", "UTC", at).map(iso)).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-12-01T00:00:00.000Z",
      "2027-01-01T00:00:00.000Z",
      "2027-02-01T00:00:00.000Z",
    ]);
  });

  it("are recomputed only when the clock leaves the current window", () => {
    const windows = new CalendarWindows("day", "UTC");
    const first = windows.around(Date.parse("2026-05-01T10:00:00Z"));
    expect(windows.around(Date.parse("2026-05-01T23:00:00Z"))).toBe(first);
    const next = windows.around(Date.parse("2026-05-02T00:00:00Z"));
    expect(iso(next[1] as number)).toBe("2026-05-02T00:00:00.000Z");
    expect(windowIndex(next, Date.parse("2026-05-02T05:00:00Z"))).toBe(1);
    expect(windowIndex(next, Date.parse("2026-07-02T05:00:00Z"))).toBe(-1);
  });
});
