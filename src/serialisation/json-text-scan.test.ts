import { describe, expect, it } from "vitest";
import { scanJsonText } from "./json-text-scan.js";

const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("scanJsonText: nesting depth", () => {
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
    expect(scanJsonText(text, depth).tooDeep).toBe(exceeds);
  });

  it("scans a long body in one pass (a deep one is refused at the first level past the limit)", () => {
    expect(scanJsonText(nested(1_000_000), 128).tooDeep).toBe(true);
    expect(scanJsonText(`{"a":"${"x".repeat(1_000_000)}"}`, 128).tooDeep).toBe(false);
  });
});

describe("scanJsonText: the top-level model", () => {
  const spanOf = (text: string): string | undefined => {
    const scan = scanJsonText(text, 64);
    return scan.modelStart === -1 ? undefined : text.slice(scan.modelStart, scan.modelEnd);
  };

  it.each([
    { case: "first", text: '{"model":"gpt","messages":[]}', span: '"gpt"' },
    {
      case: "after the messages",
      text: '{"messages":[{"role":"user","content":"hi"}],"model":"gpt"}',
      span: '"gpt"',
    },
    { case: "with whitespace around the colon", text: '{ "model" :\n\t"gpt" , "n":1 }', span: '"gpt"' },
    { case: "a value with escapes", text: '{"model":"a\\"b\\\\","n":1}', span: '"a\\"b\\\\"' },
    {
      case: "a nested model is not the top-level one",
      text: '{"m":{"model":"x"},"model":"gpt"}',
      span: '"gpt"',
    },
    { case: "'model' as a value is not a key", text: '{"role":"model","model":"gpt"}', span: '"gpt"' },
    { case: "a key that only starts with model", text: '{"models":"x","model":"gpt"}', span: '"gpt"' },
  ])("found $case", ({ text, span }) => {
    expect(spanOf(text)).toBe(span);
    expect(scanJsonText(text, 64).openBrace).toBe(text.indexOf("{"));
  });

  it.each([
    { case: "no model", text: '{"messages":[]}' },
    { case: "only a nested one", text: '{"m":{"model":"x"}}' },
    { case: "a model that is not a string", text: '{"model":7}' },
    { case: "two model keys", text: '{"model":"a","model":"b"}' },
    // A parser reads "mod\u0065l" as model: the literal key would not be the one that counts.
    { case: "a top-level key written with an escape", text: '{"model":"a","mod\\u0065l":"b"}' },
    { case: "an escaped key before the model", text: '{"\\u0061":1,"model":"a"}' },
    { case: "an array body", text: '[{"model":"a"}]' },
    { case: "a body too deep", text: `{"model":"a","x":${nested(100)}}` },
    { case: "an unterminated value", text: '{"model":"a' },
  ])("none for $case", ({ text }) => {
    expect(spanOf(text)).toBeUndefined();
  });
});

describe("scanJsonText: whether a relay may splice the text", () => {
  it.each([
    { case: "an object with a model", text: '{"model":"a","n":1}', spliceable: true },
    { case: "an object without one (a relay adds it)", text: '{"messages":[],"n":1}', spliceable: true },
    { case: "an empty object", text: " { } ", spliceable: true },
    { case: "a model that is not a string", text: '{"model":7}', spliceable: false },
    { case: "two model keys", text: '{"model":"a","model":"b"}', spliceable: false },
    { case: "a top-level key with an escape", text: '{"n\\u0031":1}', spliceable: false },
    { case: "an array", text: "[1,2]", spliceable: false },
    { case: "too deep", text: `{"a":${nested(100)}}`, spliceable: false },
  ])("$case: $spliceable", ({ text, spliceable }) => {
    expect(scanJsonText(text, 64).spliceable).toBe(spliceable);
  });
});
