import { describe, expect, it } from "vitest";
import { isoTime } from "./iso-time.js";

describe("isoTime", () => {
  it("writes what toISOString writes, within a minute, across minutes and back", () => {
    const start = Date.UTC(2026, 11, 5, 19, 27, 58, 990);
    // Every millisecond across two minute boundaries, then times that jump between minutes (a request's start
    // and end either side of one), then fractions (Date drops them).
    const times: number[] = [];
    for (let ms = start; ms < start + 62_050; ms += 7) times.push(ms);
    times.push(start, start + 61_000, start + 5, start + 60_011.9, start + 0.999, start + 59_999.5);
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("writes what toISOString writes from 1970 to 9999", () => {
    const times = [0, 1, 999, 59_999, 60_000, 951_782_400_000, 4_102_444_799_999, 253_402_300_799_999];
    for (let index = 0; index < 2000; index++) times.push(Math.random() * 253_402_300_799_999);
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("leaves times it does not cover to toISOString, errors included", () => {
    for (const ms of [-1, -86_400_001.5, 253_402_300_800_000, 8.64e15])
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
