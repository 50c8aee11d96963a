import { describe, expect, it } from "vitest";
import { SseDecoder } from "./sse-decoder.js";

describe("SseDecoder", () => {
  it("decodes a long line that arrives a few bytes at a time", () => {
    const decoder = new SseDecoder();
    const payload = "y".repeat(200_000);
    const text = `event: big\r\ndata: ${payload}\r\n\r\ndata: next\n\n`;
    const frames = [];
    for (let start = 0; start < text.length; start += 5)
      frames.push(...decoder.push(text.slice(start, start + 5)));
    expect(frames).toEqual([{ event: "big", data: payload }, { data: "next" }]);
    expect(decoder.hasPartialMessage).toBe(false);
  });

  it("keeps the text of a line cut short", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: a\n\ndata: {")).toEqual([{ data: "a" }]);
    decoder.push('"cut');
    expect(decoder.pendingText).toBe('data: {"cut');
    expect(decoder.hasPartialMessage).toBe(true);
  });
});
