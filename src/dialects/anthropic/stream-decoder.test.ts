import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../canonical/index.js";
import { SseDecoder, type SseFrame } from "../../framing/sse-decoder.js";
import { createStreamDecoder } from "./stream-decoder.js";

function fixtureFrames(name: string): SseFrame[] {
  return new SseDecoder().push(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

function frame(type: string, data: Record<string, unknown>): SseFrame {
  return { event: type, data: JSON.stringify({ type, ...data }) };
}

const MESSAGE_START = frame("message_start", {
  message: {
    id: "msg_01",
    type: "message",
    role: "assistant",
    content: [],
    model: "claude-3-5-sonnet-20241022",
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 1 },
  },
});

/** Pushes every frame, then ends the stream, as the pipeline does. */
function decode(frames: SseFrame[]): StreamEvent[] {
  const decoder = createStreamDecoder();
  return [...frames.flatMap((each) => decoder.push(each)), ...decoder.finish()];
}

describe("createStreamDecoder", () => {
  it("decodes a text stream, ignoring ping, into block events, finish and one usage event", () => {
    expect(decode(fixtureFrames("text-stream.sse"))).toEqual([
      {
        type: "message_start",
        id: "msg_01XFDUDYJgAACzvnptvVoYEL",
        model: "claude-3-5-sonnet-20241022",
        created: expect.any(Number),
        usage: { inputTokens: 25, outputTokens: null, totalTokens: 25 },
      },
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Hello" },
      { type: "text_delta", choice: 0, index: 0, text: "! How can I help?" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 25, outputTokens: 15, totalTokens: 40 } },
    ]);
  });

  it("decodes a tool-use stream whose arguments arrive in pieces", () => {
    const events = decode(fixtureFrames("tool-use-stream.sse"));
    expect(
      events.filter((event) => event.type !== "text_delta" && event.type !== "tool_arguments_delta"),
    ).toEqual([
      {
        type: "message_start",
        id: "msg_014p7gG3wDgGV9EUtLvnow3U",
        model: "claude-3-haiku-20240307",
        created: expect.any(Number),
        usage: { inputTokens: 472, outputTokens: null, totalTokens: 472 },
      },
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "block_stop", choice: 0, index: 0 },
      {
        type: "block_start",
        choice: 0,
        index: 1,
        block: { kind: "tool_call", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
      },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 472, outputTokens: 89, totalTokens: 561 } },
    ]);
    const pieces = events.flatMap((event) => (event.type === "tool_arguments_delta" ? [event] : []));
    expect(pieces.every((piece) => piece.index === 1 && piece.json !== "")).toBe(true);
    expect(JSON.parse(pieces.map((piece) => piece.json).join(""))).toEqual({
      location: "San Francisco, CA",
      unit: "fahrenheit",
    });
  });

  it("decodes thinking blocks as reasoning with their signature, keeping Anthropic's block indexes", () => {
    const events = decode(fixtureFrames("thinking-stream.sse"));
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning", origin: "anthropic" } },
      {
        type: "reasoning_delta",
        choice: 0,
        index: 0,
        text: "The user asks for 27 * 453. 27 * 453 = 12231.",
      },
      {
        type: "reasoning_signature",
        choice: 0,
        index: 0,
        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 1, text: "27 * 453 = 12,231" },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "stop" },
      {
        type: "usage",
        usage: {
          inputTokens: 36,
          outputTokens: 84,
          totalTokens: 120,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
      },
    ]);
  });

  it("ends with an overloaded error when an error event arrives mid-stream, and emits nothing after it", () => {
    const events = decode(fixtureFrames("overloaded-mid-stream.sse"));
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "block_start",
      "text_delta",
      "error",
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "overloaded", message: "Overloaded" },
    });
  });

  it.each([
    ["overloaded_error", "overloaded"],
    ["rate_limit_error", "rate_limited"],
    ["api_error", "upstream_http_error"],
    ["a_type_added_later", "upstream_http_error"],
  ])("maps an in-stream %s to the %s error code", (errorType, code) => {
    const events = decode([
      MESSAGE_START,
      frame("error", { error: { type: errorType, message: "Something broke" } }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { code, message: "Something broke" } });
  });

  it("reports a stream cut before message_stop as an incomplete response", () => {
    const frames = fixtureFrames("text-stream.sse").slice(0, -2);
    const events = decode(frames);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_invalid_response", message: expect.stringContaining("before message_stop") },
    });
    expect(events.filter((event) => event.type === "usage")).toEqual([]);
  });

  it("reports an empty stream as an incomplete response", () => {
    expect(decode([])).toMatchObject([{ type: "error", error: { code: "upstream_invalid_response" } }]);
  });

  it("skips malformed JSON in a data line, counts it, and goes on", () => {
    const decoder = createStreamDecoder();
    decoder.push(MESSAGE_START);
    expect(
      decoder.push({ event: "content_block_delta", data: '{"type":"content_block_delta","index":0,' }),
    ).toEqual([]);
    expect(decoder.skippedFrames).toBe(1);
    expect(decoder.push(frame("message_stop", {}))).toMatchObject([{ type: "finish" }, { type: "usage" }]);
  });

  it("still ends the stream on an error event it cannot read", () => {
    const decoder = createStreamDecoder();
    decoder.push(MESSAGE_START);
    expect(decoder.push({ event: "error", data: "{not json" })).toMatchObject([
      { type: "error", error: { code: "upstream_invalid_response" } },
    ]);
  });

  it("reports content that arrives before message_start as an invalid stream", () => {
    const events = decode([
      frame("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ]);
    expect(events).toMatchObject([{ type: "error", error: { code: "upstream_invalid_response" } }]);
  });

  it("ignores event types it does not know", () => {
    const events = decode([MESSAGE_START, frame("a_new_event", { index: 0 }), frame("message_stop", {})]);
    expect(events.map((event) => event.type)).toEqual(["message_start", "finish", "usage"]);
  });

  it("decodes a redacted thinking block as reasoning that carries its data", () => {
    const start = frame("content_block_start", {
      index: 0,
      content_block: { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" },
    });
    expect(decode([MESSAGE_START, start, frame("content_block_stop", { index: 0 })]).slice(1, 3)).toEqual([
      {
        type: "block_start",
        choice: 0,
        index: 0,
        block: { kind: "reasoning", origin: "anthropic", redacted: "EmwKAhgBEgy3va3pzix" },
      },
      { type: "block_stop", choice: 0, index: 0 },
    ]);
  });

  it("counts cached prompt tokens as input and takes cumulative counts from message_delta", () => {
    const start = frame("message_start", {
      message: {
        id: "msg_02",
        model: "claude-3-5-sonnet-20241022",
        usage: {
          input_tokens: 5,
          cache_creation_input_tokens: 100,
          cache_read_input_tokens: 1000,
          output_tokens: 1,
        },
      },
    });
    const delta = frame("message_delta", {
      delta: { stop_reason: "max_tokens", stop_sequence: null },
      usage: { output_tokens: 50 },
    });
    expect(decode([start, delta, frame("message_stop", {})])).toEqual([
      expect.objectContaining({
        type: "message_start",
        usage: {
          inputTokens: 1105,
          outputTokens: null,
          totalTokens: 1105,
          cacheReadTokens: 1000,
          cacheWriteTokens: 100,
        },
      }),
      { type: "finish", choice: 0, reason: "length" },
      {
        type: "usage",
        usage: {
          inputTokens: 1105,
          outputTokens: 50,
          totalTokens: 1155,
          cacheReadTokens: 1000,
          cacheWriteTokens: 100,
        },
      },
    ]);
  });

  it("takes input and cache counts from message_delta when it reports them, as they are cumulative", () => {
    const start = frame("message_start", {
      message: { id: "msg_03", model: "claude-sonnet-4-5", usage: { input_tokens: 5, output_tokens: 1 } },
    });
    const delta = frame("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: 7,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: null,
        output_tokens: 9,
        output_tokens_details: { thinking_tokens: 4 },
      },
    });
    expect(decode([start, delta, frame("message_stop", {})]).at(-1)).toEqual({
      type: "usage",
      usage: { inputTokens: 27, outputTokens: 9, totalTokens: 36, cacheReadTokens: 20, reasoningTokens: 4 },
    });
  });

  it("keeps the tier message_start reported and the cumulative web searches of the last message_delta", () => {
    const start = frame("message_start", {
      message: {
        id: "msg_04",
        model: "claude-sonnet-4-5",
        usage: { input_tokens: 50, output_tokens: 1, service_tier: "standard" },
      },
    });
    const delta = (searches: number) =>
      frame("message_delta", {
        delta: { stop_reason: searches === 2 ? "end_turn" : null, stop_sequence: null },
        usage: { output_tokens: 30, server_tool_use: { web_search_requests: searches } },
      });
    expect(decode([start, delta(1), delta(2), frame("message_stop", {})]).at(-1)).toEqual({
      type: "usage",
      usage: {
        inputTokens: 50,
        outputTokens: 30,
        totalTokens: 80,
        webSearchRequests: 2,
        serviceTier: "standard",
      },
    });
  });

  it("emits a text_delta for text already present in content_block_start", () => {
    const start = frame("content_block_start", { index: 0, content_block: { type: "text", text: "Hi" } });
    expect(decode([MESSAGE_START, start]).slice(1, 3)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Hi" },
    ]);
  });
});
