import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "../../canonical/index.js";
import { SseDecoder, type SseFrame } from "../../framing/sse-decoder.js";
import { createStreamDecoder } from "./stream-decoder.js";

const MODEL = "command-a-03-2025";
const NOW_SECONDS = 1_790_000_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW_SECONDS * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Frames of a fixture file (see fixtures/README.md for where each comes from). */
function fixtureFrames(name: string): SseFrame[] {
  return new SseDecoder().push(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

function decodeAll(frames: SseFrame[], finish = true): StreamEvent[] {
  const decoder = createStreamDecoder(MODEL);
  const events = frames.flatMap((frame) => decoder.push(frame));
  return finish ? [...events, ...decoder.finish()] : events;
}

/** An SSE frame as Cohere sends it: the type both in `event:` and in the data. */
function frame(type: string, fields: Record<string, unknown> = {}): SseFrame {
  return { event: type, data: JSON.stringify({ type, ...fields }) };
}

const START = frame("message-start", { id: "m1", delta: { message: { role: "assistant" } } });
const MESSAGE_START: StreamEvent = { type: "message_start", id: "m1", model: MODEL, created: NOW_SECONDS };

function joinedText(events: StreamEvent[]): string {
  return events.map((event) => (event.type === "text_delta" ? event.text : "")).join("");
}

describe("the Cohere v2 chat stream decoder", () => {
  it("decodes the recorded text stream into one text block, a stop and usage from tokens", () => {
    const events = decodeAll(fixtureFrames("chat-v2-stream.sse"));
    expect(events[0]).toEqual({ ...MESSAGE_START, id: "29f14a5a-11de-4cae-9800-25e4747408ea" });
    expect(events[1]).toEqual({ type: "block_start", choice: 0, index: 0, block: { kind: "text" } });
    expect(joinedText(events)).toBe(
      "LLMs stand for Large Language Models, which are a type of neural network model specialized in processing and generating human language.",
    );
    expect(events.filter((event) => event.type === "text_delta")).toHaveLength(24);
    expect(events.slice(-3)).toEqual([
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 71, outputTokens: 26, totalTokens: 97 } },
    ]);
  });

  it("decodes the recorded tool stream into two tool-call blocks, skipping the tool plan", () => {
    const events = decodeAll(fixtureFrames("chat-v2-stream-tools.sse"));
    const structure = events.filter((event) => event.type !== "tool_arguments_delta");
    expect(structure).toEqual([
      { ...MESSAGE_START, id: "2edfdf70-019c-4f7a-be20-3cdbfaa3dca6" },
      {
        type: "block_start",
        choice: 0,
        index: 0,
        block: {
          kind: "tool_call",
          id: "query_daily_sales_report_j3f0adww9pmr",
          name: "query_daily_sales_report",
        },
      },
      { type: "block_stop", choice: 0, index: 0 },
      {
        type: "block_start",
        choice: 0,
        index: 1,
        block: { kind: "tool_call", id: "query_product_catalog_c66nf11r6s8g", name: "query_product_catalog" },
      },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 1589, outputTokens: 135, totalTokens: 1724 } },
    ]);
    const argumentsOf = (index: number) =>
      events
        .map((event) => (event.type === "tool_arguments_delta" && event.index === index ? event.json : ""))
        .join("");
    expect(argumentsOf(0)).toBe('{"day": "2023-09-29"}');
    expect(argumentsOf(1)).toBe('{"category": "Electronics"}');
  });

  it("numbers text and tool-call blocks apart although Cohere starts both at index 0", () => {
    const events = decodeAll([
      START,
      frame("content-start", {
        index: 0,
        delta: { message: { content: { type: "text", text: "Let me check." } } },
      }),
      frame("content-end", { index: 0 }),
      frame("tool-call-start", {
        index: 0,
        delta: {
          message: { tool_calls: { id: "c1", type: "function", function: { name: "now", arguments: "{}" } } },
        },
      }),
      frame("tool-call-end", { index: 0 }),
      frame("message-end", { delta: { finish_reason: "TOOL_CALL" } }),
    ]);
    expect(events).toEqual([
      MESSAGE_START,
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Let me check." },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: { kind: "tool_call", id: "c1", name: "now" } },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: "{}" },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
  });

  it("decodes thinking blocks as reasoning, skips citations and debug events, and ignores [DONE]", () => {
    const events = decodeAll([
      START,
      frame("content-start", {
        index: 0,
        delta: { message: { content: { type: "thinking", thinking: "" } } },
      }),
      frame("content-delta", { index: 0, delta: { message: { content: { thinking: "Hmm." } } } }),
      frame("content-end", { index: 0 }),
      frame("content-start", { index: 1, delta: { message: { content: { type: "text", text: "" } } } }),
      frame("content-delta", { index: 1, delta: { message: { content: { text: "Paris." } } } }),
      frame("citation-start", {
        index: 0,
        delta: { message: { citations: { start: 0, end: 5, text: "Paris" } } },
      }),
      frame("citation-end", { index: 0 }),
      frame("debug", { prompt: "..." }),
      frame("content-end", { index: 1 }),
      frame("message-end", {
        delta: {
          finish_reason: "MAX_TOKENS",
          usage: { billed_units: { input_tokens: 3, output_tokens: 2 } },
        },
      }),
      { data: "[DONE]" },
    ]);
    expect(events).toEqual([
      MESSAGE_START,
      { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning", origin: "cohere" } },
      { type: "reasoning_delta", choice: 0, index: 0, text: "Hmm." },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 1, text: "Paris." },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "length" },
      { type: "usage", usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } },
    ]);
  });

  it("reads the type from the SSE event name when the data has none", () => {
    const events = decodeAll([
      { event: "message-start", data: JSON.stringify({ id: "m1" }) },
      { event: "message-end", data: JSON.stringify({ delta: { finish_reason: "COMPLETE" } }) },
    ]);
    expect(events).toEqual([MESSAGE_START, { type: "finish", choice: 0, reason: "stop" }]);
  });

  it("closes blocks still open at message-end so the canonical stream stays well formed", () => {
    const events = decodeAll([
      START,
      frame("content-start", { index: 0, delta: { message: { content: { type: "text", text: "Hi" } } } }),
      frame("message-end", { delta: { finish_reason: "COMPLETE" } }),
    ]);
    expect(events.slice(-2)).toEqual([
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });

  it("ends with an upstream_invalid_response error when the stream is cut before message-end", () => {
    const frames = fixtureFrames("chat-v2-stream.sse");
    const events = decodeAll(frames.slice(0, 10));
    const last = events.at(-1);
    expect(last?.type).toBe("error");
    if (last?.type !== "error") return;
    expect(last.error.code).toBe("upstream_invalid_response");
    expect(last.error.message).toContain("ended before message-end");
  });

  it("skips malformed JSON, counts it, and goes on", () => {
    const decoder = createStreamDecoder(MODEL);
    expect(decoder.push(START)).toEqual([MESSAGE_START]);
    expect(decoder.push({ event: "content-delta", data: '{"type":"content-delta",' })).toEqual([]);
    expect(decoder.skippedFrames).toBe(1);
    expect(decoder.push(frame("message-end", { delta: { finish_reason: "COMPLETE" } }))).toContainEqual(
      expect.objectContaining({ type: "finish" }),
    );
  });

  it("reports an error that message-end carries instead of finishing cleanly", () => {
    const events = decodeAll([
      START,
      frame("message-end", { delta: { error: "internal failure", finish_reason: "ERROR" } }),
    ]);
    expect(events).toHaveLength(2);
    const last = events[1];
    expect(last?.type === "error" && last.error.code).toBe("upstream_http_error");
    expect(last?.type === "error" && last.error.message).toContain("internal failure");
  });

  it("rejects content before message-start and arguments for a tool call that never started", () => {
    const early = decodeAll([frame("content-delta", { index: 0 })], false);
    expect(early.map((event) => event.type)).toEqual(["error"]);
    const orphan = decodeAll([START, frame("tool-call-delta", { index: 2 })], false);
    expect(orphan.map((event) => event.type)).toEqual(["message_start", "error"]);
  });

  it("emits nothing more after message-end", () => {
    const decoder = createStreamDecoder(MODEL);
    decoder.push(START);
    decoder.push(frame("message-end", { delta: { finish_reason: "COMPLETE" } }));
    expect(decoder.push(frame("content-delta", { index: 0 }))).toEqual([]);
    expect(decoder.finish()).toEqual([]);
  });
});
