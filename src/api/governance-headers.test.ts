import { describe, expect, it } from "vitest";
import { duration } from "./governance-headers.js";

describe("duration (OpenAI's reset headers, Go-style)", () => {
  it.each([
    [0, "0ms"],
    [-5, "0ms"],
    [20.4, "20ms"],
    [999.4, "999ms"],
    [999.6, "1s"],
    [1000, "1s"],
    [1500, "1.5s"],
    [1250, "1.25s"],
    [1005, "1.005s"],
    [1234.5678, "1.235s"],
    [59_999.9, "1m0s"],
    [360_000, "6m0s"],
    [3_723_004, "1h2m3.004s"],
    [7_200_000, "2h0m0s"],
  ])("%s ms is %s", (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
