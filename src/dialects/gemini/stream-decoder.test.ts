import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../canonical/index.js";
import { SseDecoder } from "../../framing/sse-decoder.js";
import { createStreamDecoder } from "./stream-decoder.js";

/** Feeds a fixture's bytes to the SSE decoder `chunkSize` bytes at a time, then to a fresh stream decoder. */
function decodeFixture(name: string, chunkSize = Number.POSITIVE_INFINITY): StreamEvent[] {
  const bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
  return decodeBytes(bytes, chunkSize);
}

function decodeBytes(bytes: Uint8Array, chunkSize = Number.POSITIVE_INFINITY): StreamEvent[] {
  const sse = new SseDecoder();
  const decoder = createStreamDecoder("gemini-configured");
  const events: StreamEvent[] = [];
  const size = Math.min(chunkSize, bytes.length);
  for (let start = 0; start < bytes.length; start += size) {
    for (const frame of sse.push(bytes.subarray(start, start + size))) events.push(...decoder.push(frame));
  }
  events.push(...decoder.finish());
  return events;
}

const frame = (data: unknown) => `data: ${JSON.stringify(data)}\r\n\r\n`;

describe("the Gemini stream decoder", () => {
  it("decodes a CRLF-framed text stream with no end marker into one text block, taking the last cumulative usage", () => {
    expect(decodeFixture("text-stream.sse")).toEqual([
      { type: "message_start", id: "resp-1", model: "gemini-2.5-flash", created: expect.any(Number) },
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Hello" },
      { type: "text_delta", choice: 0, index: 0, text: " there," },
      { type: "text_delta", choice: 0, index: 0, text: " world!" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
      // 3 candidate tokens + 12 thinking tokens: the thoughts are output too, and the counts are not summed.
      { type: "usage", usage: { inputTokens: 5, outputTokens: 15, totalTokens: 20, reasoningTokens: 12 } },
    ]);
  });

  it("gives the same events when the bytes arrive one at a time, CRLFs split across reads", () => {
    const whole = decodeFixture("text-stream.sse");
    expect(decodeFixture("text-stream.sse", 1)).toEqual(whole);
  });

  it("turns function-call parts into whole tool-call blocks with synthetic ids carrying the thought signature", () => {
    const events = decodeFixture("tool-call-stream.sse");
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Checking." },
      { type: "block_stop", choice: 0, index: 0 },
      {
        type: "block_start",
        choice: 0,
        index: 1,
        block: { kind: "tool_call", id: "call_resp-2_0__thought__c2lnLTE", name: "get_weather" },
      },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: '{"city":"Paris"}' },
      { type: "block_stop", choice: 0, index: 1 },
      {
        type: "block_start",
        choice: 0,
        index: 2,
        block: { kind: "tool_call", id: "call_resp-2_1", name: "get_time" },
      },
      { type: "tool_arguments_delta", choice: 0, index: 2, json: "{}" },
      { type: "block_stop", choice: 0, index: 2 },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 } },
    ]);
  });

  it("ends a stream cut before any finish reason with an error event, not a clean end", () => {
    const text = readFileSync(new URL("./fixtures/text-stream.sse", import.meta.url), "utf8");
    const cut = `${text.split("\r\n\r\n").slice(0, 2).join("\r\n\r\n")}\r\n\r\n`;
    const events = decodeBytes(Buffer.from(cut));
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_invalid_response", message: expect.stringContaining("ended before") },
    });
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("ends the stream with the upstream's error when an error object arrives mid-stream", () => {
    const events = decodeBytes(
      Buffer.from(
        frame({ candidates: [{ content: { parts: [{ text: "Hi" }] }, index: 0 }] }) +
          frame({ error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }) +
          frame({ candidates: [{ content: { parts: [{ text: "never" }] }, finishReason: "STOP" }] }),
      ),
    );
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "overloaded", status: 503, message: "The model is overloaded." },
    });
    expect(events.filter((event) => event.type === "text_delta")).toHaveLength(1);
  });

  it("keeps an in-stream error's HTTP code as its status", () => {
    const events = decodeBytes(
      Buffer.from(frame({ error: { code: 500, message: "Internal error", status: "INTERNAL" } })),
    );
    expect(events).toEqual([
      { type: "error", error: expect.objectContaining({ status: 500, code: "upstream_http_error" }) },
    ]);
  });

  it("finishes a blocked prompt with content_filter", () => {
    const events = decodeBytes(
      Buffer.from(
        frame({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 4 } }),
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: "finish", choice: 0, reason: "content_filter" },
      { type: "usage", usage: { inputTokens: 4, outputTokens: null, totalTokens: 4 } },
    ]);
  });

  it("keeps candidates apart by their index", () => {
    const events = decodeBytes(
      Buffer.from(
        frame({
          candidates: [
            { content: { parts: [{ text: "A" }] }, index: 0 },
            { content: { parts: [{ text: "B" }] }, index: 1 },
          ],
        }) +
          frame({
            candidates: [
              { content: { parts: [] }, finishReason: "STOP", index: 0 },
              { content: { parts: [] }, finishReason: "MAX_TOKENS", index: 1 },
            ],
          }),
      ),
    );
    expect(events.filter((event) => event.type === "finish")).toEqual([
      { type: "finish", choice: 0, reason: "stop" },
      { type: "finish", choice: 1, reason: "length" },
    ]);
    expect(
      events.filter((event) => event.type === "text_delta").map((event) => [event.choice, event.text]),
    ).toEqual([
      [0, "A"],
      [1, "B"],
    ]);
  });

  it("reports a data line that is not JSON as an unreadable response", () => {
    const events = decodeBytes(Buffer.from('data: {"candidates": [\r\n\r\n'));
    expect(events).toEqual([
      { type: "error", error: expect.objectContaining({ code: "upstream_invalid_response" }) },
    ]);
  });
});
