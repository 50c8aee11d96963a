import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../canonical/index.js";
import { createConverseStreamDecoder } from "./stream-decoder.js";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One event-stream message as Bedrock sends it (headers, JSON payload padded with `p`), encoded by AWS's codec. */
function frame(type: string, payload: object, messageType = "event"): Uint8Array {
  const typeHeader = messageType === "exception" ? ":exception-type" : ":event-type";
  return codec.encode({
    headers: {
      ":message-type": { type: "string", value: messageType },
      [typeHeader]: { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: fromUtf8(JSON.stringify({ ...payload, p: "abcdefghijklmnop" })),
  });
}

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 4 };

/** A tool-using answer: text block 0 (no contentBlockStart, as Bedrock sends text), tool block 1. */
const TOOL_STREAM = [
  frame("messageStart", { role: "assistant" }),
  frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Let me" } }),
  frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: " check." } }),
  frame("contentBlockStop", { contentBlockIndex: 0 }),
  frame("contentBlockStart", {
    contentBlockIndex: 1,
    start: { toolUse: { toolUseId: "tooluse_1", name: "get_weather" } },
  }),
  frame("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } }),
  frame("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } }),
  frame("contentBlockStop", { contentBlockIndex: 1 }),
  frame("messageStop", { stopReason: "tool_use" }),
  frame("metadata", { usage, metrics: { latencyMs: 100 } }),
];

function decode(frames: Uint8Array[], chunkSize = Number.POSITIVE_INFINITY): StreamEvent[] {
  const bytes = Buffer.concat(frames);
  const decoder = createConverseStreamDecoder("anthropic.claude-bench-v1:0");
  const events: StreamEvent[] = [];
  const size = Math.min(chunkSize, bytes.length) || 1;
  for (let start = 0; start < bytes.length; start += size)
    events.push(...decoder.push(bytes.subarray(start, start + size)));
  events.push(...decoder.finish());
  return events;
}

describe("the ConverseStream decoder", () => {
  it("decodes text and tool-use blocks by contentBlockIndex, synthesising the text block's start", () => {
    expect(decode(TOOL_STREAM)).toEqual([
      { type: "message_start", id: null, model: "anthropic.claude-bench-v1:0", created: expect.any(Number) },
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Let me" },
      { type: "text_delta", choice: 0, index: 0, text: " check." },
      { type: "block_stop", choice: 0, index: 0 },
      {
        type: "block_start",
        choice: 0,
        index: 1,
        block: { kind: "tool_call", id: "tooluse_1", name: "get_weather" },
      },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: '{"city":' },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: '"Paris"}' },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "tool_calls" },
      // Cached prompt tokens count as input.
      { type: "usage", usage: { inputTokens: 14, outputTokens: 5, totalTokens: 19 } },
    ]);
  });

  it("gives the same events when the bytes arrive a few at a time, messages split anywhere", () => {
    expect(decode(TOOL_STREAM, 7)).toEqual(decode(TOOL_STREAM));
  });

  it("decodes reasoning deltas as a reasoning block and keeps interleaved blocks apart by index", () => {
    const events = decode([
      frame("messageStart", { role: "assistant" }),
      frame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "thinking" } } }),
      frame("contentBlockDelta", { contentBlockIndex: 1, delta: { text: "Answer" } }),
      frame("contentBlockStop", { contentBlockIndex: 0 }),
      frame("contentBlockStop", { contentBlockIndex: 1 }),
      frame("messageStop", { stopReason: "end_turn" }),
      frame("metadata", { usage }),
    ]);
    expect(events.filter((event) => event.type !== "message_start" && event.type !== "usage")).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning", origin: "bedrock" } },
      { type: "reasoning_delta", choice: 0, index: 0, text: "thinking" },
      { type: "block_start", choice: 0, index: 1, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 1, text: "Answer" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });

  it("ends the stream with the exception's error when Bedrock sends one mid-stream", () => {
    const events = decode([
      ...TOOL_STREAM.slice(0, 3),
      frame("throttlingException", { message: "Too many requests." }, "exception"),
      ...TOOL_STREAM.slice(3),
    ]);
    expect(events.at(-1)).toEqual({
      type: "error",
      error: expect.objectContaining({ code: "rate_limited", status: 429, message: "Too many requests." }),
    });
    expect(events.filter((event) => event.type === "finish")).toEqual([]);
  });

  it("keeps a model stream error's original status", () => {
    const events = decode([
      frame("messageStart", { role: "assistant" }),
      frame("modelStreamErrorException", { message: "Model failed.", originalStatusCode: 500 }, "exception"),
    ]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { status: 500, message: "Model failed." } });
  });

  it("ends a stream cut before messageStop with an error event, also when cut inside a message", () => {
    const cut = Buffer.concat(TOOL_STREAM.slice(0, 5));
    for (const bytes of [cut, cut.subarray(0, cut.length - 9)]) {
      const events = decode([bytes]);
      expect(events.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_invalid_response" } });
    }
  });

  it("reports a message whose checksum does not match as corrupt", () => {
    const bad = Buffer.from(frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "x" } }));
    bad[bad.length - 6] = (bad[bad.length - 6] ?? 0) ^ 0xff;
    const events = decode([TOOL_STREAM[0] as Uint8Array, bad]);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_invalid_response", message: expect.stringContaining("corrupt") },
    });
  });
});
