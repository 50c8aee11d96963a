import { describe, expect, it } from "vitest";
import { splitStreamUsage } from "./stream-usage.js";

const USAGE = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
const HEAD = { id: "c", object: "chat.completion.chunk", created: 1, model: "m" };
const LAST = { ...HEAD, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };

describe("splitStreamUsage", () => {
  it("leaves a chunk without usage alone", () => {
    expect(splitStreamUsage(JSON.stringify(LAST), true)).toBeUndefined();
  });

  it("moves usage sent on the last content chunk to a chunk of its own when the client asked for it", () => {
    const texts = splitStreamUsage(JSON.stringify({ ...LAST, usage: USAGE }), true) ?? [];
    expect(texts.map((text) => JSON.parse(text))).toEqual([LAST, { ...HEAD, choices: [], usage: USAGE }]);
  });

  it("leaves the usage out when the client did not ask for it", () => {
    const texts = splitStreamUsage(JSON.stringify({ ...LAST, usage: USAGE }), false) ?? [];
    expect(texts.map((text) => JSON.parse(text))).toEqual([LAST]);
  });

  it("reads Groq's x_groq.usage", () => {
    const groq = { ...LAST, x_groq: { id: "req_1", usage: USAGE } };
    const texts = splitStreamUsage(JSON.stringify(groq), true) ?? [];
    expect(texts.map((text) => JSON.parse(text))).toEqual([groq, { ...HEAD, choices: [], usage: USAGE }]);
  });

  it("drops a usage-only chunk nobody asked for", () => {
    expect(splitStreamUsage(JSON.stringify({ ...HEAD, choices: [], usage: USAGE }), false)).toEqual([]);
  });
});
