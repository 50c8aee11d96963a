import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../canonical/index.js";
import { SseDecoder, type SseFrame } from "../../framing/sse-decoder.js";
import { createOpenAIChatStreamDecoder, createOpenAICompletionsStreamDecoder } from "./stream-decoder.js";

function fixtureFrames(name: string): SseFrame[] {
  return new SseDecoder().push(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

function data(chunk: unknown): SseFrame {
  return { data: JSON.stringify(chunk) };
}

const DONE: SseFrame = { data: "[DONE]" };
const HEAD = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m" };

function chunk(delta: Record<string, unknown>, finish: string | null = null, index = 0): SseFrame {
  return data({ ...HEAD, choices: [{ index, delta, logprobs: null, finish_reason: finish }] });
}

function decode(frames: SseFrame[], decoder = createOpenAIChatStreamDecoder()): StreamEvent[] {
  return [...frames.flatMap((frame) => decoder.push(frame)), ...decoder.finish()];
}

function argumentsOf(events: StreamEvent[], choice: number, index: number): string {
  return events
    .flatMap((event) =>
      event.type === "tool_arguments_delta" && event.choice === choice && event.index === index
        ? [event.json]
        : [],
    )
    .join("");
}

describe("createOpenAIChatStreamDecoder", () => {
  it("decodes the spec's streaming example into a text block and a finish", () => {
    const events = decode(fixtureFrames("chat-stream-text.sse"));
    const pieces = ["Hello", "!", " How", " can", " I", " assist", " you", " today", "?"];
    expect(events).toEqual([
      { type: "message_start", id: "chatcmpl-123", model: "gpt-4o-mini", created: 1694268190 },
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      ...pieces.map((text) => ({ type: "text_delta", choice: 0, index: 0, text })),
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });

  it("decodes two tool calls whose arguments arrive in pieces, and the include_usage chunk with its tier", () => {
    const events = decode(fixtureFrames("chat-stream-tool-calls.sse"));
    expect(events.filter((event) => event.type !== "tool_arguments_delta")).toEqual([
      {
        type: "message_start",
        id: "chatcmpl-AqT2kPz9XbL4mN7wQe1rYtUv3sD5f",
        model: "gpt-4o-2024-08-06",
        created: 1737024000,
      },
      {
        type: "block_start",
        choice: 0,
        index: 0,
        block: { kind: "tool_call", id: "call_Xq1tYp9NfM4bW2sKc8LdR3vE", name: "get_weather" },
      },
      { type: "block_stop", choice: 0, index: 0 },
      {
        type: "block_start",
        choice: 0,
        index: 1,
        block: { kind: "tool_call", id: "call_Hn6cZr2QsJ8uTk5mWa0PyB7g", name: "get_weather" },
      },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "tool_calls" },
      {
        type: "usage",
        usage: {
          inputTokens: 82,
          outputTokens: 46,
          totalTokens: 128,
          cacheReadTokens: 0,
          reasoningTokens: 0,
          // The recorded usage reports its audio parts (none) and the chunk the tier that served it.
          audioInputTokens: 0,
          audioOutputTokens: 0,
          serviceTier: "default",
        },
      },
    ]);
    expect(JSON.parse(argumentsOf(events, 0, 0))).toEqual({ location: "Paris, France" });
    expect(JSON.parse(argumentsOf(events, 0, 1))).toEqual({ location: "Tokyo, Japan" });
  });

  it("keeps interleaved choices apart, each finishing with its own reason", () => {
    const events = decode(fixtureFrames("chat-stream-two-choices.sse"));
    const textOf = (choice: number) =>
      events
        .flatMap((event) => (event.type === "text_delta" && event.choice === choice ? [event.text] : []))
        .join("");
    expect(textOf(0)).toBe("Red apples.");
    expect(textOf(1)).toBe("Blue skies");
    expect(events.filter((event) => event.type === "finish")).toEqual([
      { type: "finish", choice: 1, reason: "stop" },
      { type: "finish", choice: 0, reason: "length" },
    ]);
  });

  it("closes the text block when a tool call starts, giving each block its own index", () => {
    const events = decode([
      chunk({ role: "assistant", content: "Let me check." }),
      chunk({
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
      }),
      chunk({}, "tool_calls"),
      DONE,
    ]);
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Let me check." },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: { kind: "tool_call", id: "call_1", name: "f" } },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: "{}" },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
  });

  it("treats a new id under a repeated tool-call index as a new call, as some compatible servers send", () => {
    const call = (id: string) => ({
      index: 0,
      id,
      type: "function",
      function: { name: "f", arguments: `{"id":"${id}"}` },
    });
    const events = decode([
      chunk({ tool_calls: [call("a")] }),
      chunk({ tool_calls: [call("b")] }),
      chunk({}, "tool_calls"),
      DONE,
    ]);
    expect(events.filter((event) => event.type === "block_start").map((event) => event.index)).toEqual([
      0, 1,
    ]);
    expect(argumentsOf(events, 0, 1)).toBe('{"id":"b"}');
  });

  it("decodes the legacy function_call delta as a tool call", () => {
    const events = decode([
      chunk({ role: "assistant", content: null, function_call: { name: "f", arguments: "" } }),
      chunk({ function_call: { arguments: '{"a":1}' } }),
      chunk({}, "function_call"),
      DONE,
    ]);
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "tool_call", id: "", name: "f" } },
      { type: "tool_arguments_delta", choice: 0, index: 0, json: '{"a":1}' },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
  });

  it("emits the latest usage once at [DONE] when a server sends usage on every chunk", () => {
    const withUsage = (prompt: number, completion: number) =>
      data({
        ...HEAD,
        choices: [],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      });
    const events = decode([
      chunk({ content: "a" }),
      withUsage(5, 1),
      chunk({}, "stop"),
      withUsage(5, 2),
      DONE,
    ]);
    expect(events.filter((event) => event.type === "usage")).toEqual([
      { type: "usage", usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 } },
    ]);
    expect(events.at(-1)?.type).toBe("usage");
  });

  it("finishes choices the upstream left open at [DONE] with an unknown reason", () => {
    expect(decode([chunk({ content: "a" }), DONE]).slice(-2)).toEqual([
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: null },
    ]);
  });

  it("reports a stream cut before [DONE] as an incomplete response", () => {
    const events = decode(fixtureFrames("chat-stream-text.sse").slice(0, 4));
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: {
        code: "upstream_invalid_response",
        message: "The upstream stream ended before [DONE]: the response is incomplete.",
      },
    });
    expect(events.filter((event) => event.type === "finish")).toEqual([]);
  });

  it("accepts a stream that ends after every choice finished but before [DONE] as complete", () => {
    const frames = fixtureFrames("chat-stream-text.sse");
    const whole = decode(frames);
    expect(decode(frames.slice(0, -1))).toEqual(whole);
  });

  it("reports [DONE] before any chunk, and an empty body, as invalid", () => {
    expect(decode([DONE])).toMatchObject([{ type: "error", error: { code: "upstream_invalid_response" } }]);
    expect(decode([])).toMatchObject([{ type: "error", error: { code: "upstream_invalid_response" } }]);
  });

  it("skips a malformed chunk, counts it, and goes on", () => {
    const decoder = createOpenAIChatStreamDecoder();
    decoder.push(chunk({ content: "a" }));
    expect(decoder.push({ data: '{"id":"chatcmpl-1","choices":[' })).toEqual([]);
    expect(decoder.push({ data: "[1,2]" })).toEqual([]);
    expect(decoder.skippedFrames).toBe(2);
    expect(decoder.push(chunk({ content: "b" }))).toMatchObject([{ type: "text_delta", text: "b" }]);
    expect(decoder.push(chunk({}, "stop"))).toMatchObject([{ type: "block_stop" }, { type: "finish" }]);
    expect(decoder.push(DONE)).toEqual([]);
  });

  it.each([
    [
      {
        message: "The server had an error while processing your request.",
        type: "server_error",
        param: null,
        code: null,
      },
      "upstream_http_error",
    ],
    [
      {
        message: "Rate limit reached for requests",
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      },
      "rate_limited",
    ],
  ])("ends with the upstream's message when an in-band error chunk arrives (%j)", (error, code) => {
    const events = decode([chunk({ content: "a" }), data({ error }), chunk({}, "stop"), DONE]);
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "block_start",
      "text_delta",
      "error",
    ]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { code, message: error.message } });
  });

  it("reads an error sent as an SSE error event", () => {
    const events = decode([chunk({ content: "a" }), { event: "error", data: "upstream exploded" }]);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_http_error", message: "upstream exploded" },
    });
  });
});

describe("createOpenAICompletionsStreamDecoder", () => {
  it("decodes text_completion chunks into a text block and a finish", () => {
    const events = decode(fixtureFrames("completions-stream.sse"), createOpenAICompletionsStreamDecoder());
    expect(events[0]).toEqual({
      type: "message_start",
      id: "cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe",
      model: "gpt-3.5-turbo-instruct",
      created: 1690759702,
    });
    const text = events.flatMap((event) => (event.type === "text_delta" ? [event.text] : [])).join("");
    expect(text).toBe("This is indeed a test");
    expect(events.slice(-2)).toEqual([
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "length" },
    ]);
  });
});
