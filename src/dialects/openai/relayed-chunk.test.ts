import { describe, expect, it } from "vitest";
import type { SseFrame } from "../../framing/sse-decoder.js";
import { readRelayedChunk } from "./relayed-chunk.js";

describe("readRelayedChunk", () => {
  it.each<[string, SseFrame, string]>([
    ["a chunk object", { data: '{"id":"c","object":"chat.completion.chunk","choices":[]}' }, "chunk"],
    ["a chunk with `error: null`", { data: '{"id":"c","choices":[],"error":null}' }, "chunk"],
    ["the end marker", { data: "[DONE]" }, "done"],
    ["the end marker with spaces", { data: " [DONE] " }, "done"],
    [
      "an in-band error object",
      { data: '{"error":{"message":"Overloaded","type":"server_error"}}' },
      "error",
    ],
    ["an in-band error string", { data: '{"error":"Overloaded"}' }, "error"],
    ["JSON cut in half", { data: '{"id":"c","choi' }, "unreadable"],
    ["data that is not JSON", { data: "hello" }, "unreadable"],
    ["JSON that is not an object", { data: "[1,2]" }, "unreadable"],
    [
      "an error event without an error object",
      { event: "error", data: '{"message":"Overloaded"}' },
      "invalid",
    ],
    ["an error event with text", { event: "error", data: "upstream exploded" }, "invalid"],
  ])("reads %s as %s", (_name, frame, kind) => {
    expect(readRelayedChunk(frame).kind).toBe(kind);
  });

  it("keeps the upstream's message and a rate limit's meaning for an in-band error", () => {
    const chunk = readRelayedChunk({
      data: '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
    });
    expect(chunk.kind === "error" && { code: chunk.error.code, message: chunk.error.message }).toEqual({
      code: "rate_limited",
      message: "Rate limit reached",
    });
  });

  it("says why a frame cannot be read, quoting its start", () => {
    const chunk = readRelayedChunk({ data: '{"id":"c","choi' });
    expect(chunk.kind === "unreadable" && { code: chunk.error.code, message: chunk.error.message }).toEqual({
      code: "upstream_invalid_response",
      message: expect.stringContaining('not valid JSON ("{\\"id\\":\\"c\\",\\"choi")'),
    });
  });
});
