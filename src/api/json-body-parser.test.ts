import { describe, expect, it } from "vitest";
import { exceedsNestingDepth } from "./json-body-parser.js";

const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("exceedsNestingDepth", () => {
  it.each([
    { case: "a flat object", text: '{"a":1,"b":[1,2]}', depth: 2, exceeds: false },
    { case: "arrays exactly at the limit", text: nested(5), depth: 5, exceeds: false },
    { case: "arrays one past the limit", text: nested(6), depth: 5, exceeds: true },
    { case: "objects and arrays mixed", text: '{"a":[{"b":[{}]}]}', depth: 4, exceeds: true },
    {
      case: "siblings, each within the limit",
      text: `[${nested(3)},${nested(3)}]`,
      depth: 4,
      exceeds: false,
    },
    { case: "brackets inside a string", text: `{"a":"${"[".repeat(50)}"}`, depth: 1, exceeds: false },
    { case: "an escaped quote in a string", text: '{"a":"x\\"[[[[","b":1}', depth: 1, exceeds: false },
    {
      case: "an escaped backslash before a quote",
      text: '{"a":"x\\\\","b":[[[1]]]}',
      depth: 3,
      exceeds: true,
    },
    { case: "an unterminated string", text: '{"a":"[[[[', depth: 1, exceeds: false },
  ])("$case: $exceeds", ({ text, depth, exceeds }) => {
    expect(exceedsNestingDepth(text, depth)).toBe(exceeds);
  });

  it("scans a long body in one pass (a deep one is refused at the first level past the limit)", () => {
    expect(exceedsNestingDepth(nested(1_000_000), 128)).toBe(true);
    expect(exceedsNestingDepth(`{"a":"${"x".repeat(1_000_000)}"}`, 128)).toBe(false);
  });
});
