import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { createUsage, GatewayError, type StreamEvent } from "../../canonical/index.js";
import type { EncodedFrame } from "../stream-frame.js";
import { MessagesStreamEncoder } from "./messages-stream-encoder.js";

const spec = createSpecValidator("anthropic");

function encode(
  events: StreamEvent[],
  fail?: GatewayError,
): { event: string; data: Record<string, unknown> }[] {
  const encoder = new MessagesStreamEncoder("msg_1", "route");
  const frames: EncodedFrame[] = events.flatMap((event) => encoder.push(event));
  frames.push(...(fail === undefined ? encoder.finish() : encoder.fail(fail)));
  return frames.map((frame) => {
    if (typeof frame === "string") throw new Error("Anthropic events are named");
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    const schema =
      data.type === "ping" ? "PingEvent" : data.type === "error" ? "ErrorResponse" : "MessageStreamEvent";
    expect(spec.validate(schema, data)).toEqual([]);
    return { event: frame.event, data };
  });
}

const START: StreamEvent = {
  type: "message_start",
  id: "chatcmpl-1",
  model: "gpt-4o",
  created: 0,
  usage: createUsage(12, null, { cacheReadTokens: 10 }),
};

describe("MessagesStreamEncoder", () => {
  it("encodes a stream in Anthropic's order, with the input tokens at the start and the whole usage at the end", () => {
    const frames = encode([
      START,
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Hi" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: createUsage(12, 3, { cacheReadTokens: 10 }) },
    ]);
    expect(frames.map((frame) => frame.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(frames[0]?.data).toMatchObject({
      message: {
        id: "msg_1",
        model: "gpt-4o",
        usage: { input_tokens: 2, cache_read_input_tokens: 10, output_tokens: 0 },
      },
    });
    expect(frames[5]?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: 2,
        output_tokens: 3,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 10,
      },
    });
  });

  it("numbers blocks from 0 in order, and gives a foreign thinking block the gateway's signature before it stops", () => {
    const frames = encode([
      START,
      { type: "block_start", choice: 0, index: 3, block: { kind: "reasoning", origin: "cohere" } },
      { type: "reasoning_delta", choice: 0, index: 3, text: "Hmm" },
      { type: "block_stop", choice: 0, index: 3 },
      { type: "block_start", choice: 0, index: 7, block: { kind: "tool_call", id: "call_1", name: "now" } },
      { type: "tool_arguments_delta", choice: 0, index: 7, json: "{}" },
      { type: "block_stop", choice: 0, index: 7 },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
    const blocks = frames
      .filter((frame) => frame.event.startsWith("content_block"))
      .map((frame) => frame.data);
    expect(blocks).toEqual([
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "signature_delta", signature: "switchyard:v1:cohere:" },
      },
      { type: "content_block_stop", index: 0 },
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "call_1", name: "now", input: {} },
      },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{}" } },
      { type: "content_block_stop", index: 1 },
    ]);
    expect(frames.at(-2)?.data).toMatchObject({ delta: { stop_reason: "tool_use" } });
  });

  it("passes Anthropic's own signature on as it is", () => {
    const frames = encode([
      START,
      { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning", origin: "anthropic" } },
      { type: "reasoning_signature", choice: 0, index: 0, signature: "EqQBCgIYAh" },
      { type: "block_stop", choice: 0, index: 0 },
    ]);
    expect(
      frames.find((frame) => (frame.data.delta as { type?: string })?.type === "signature_delta")?.data,
    ).toMatchObject({
      delta: { signature: "EqQBCgIYAh" },
    });
  });

  it("ends a broken stream with an error event in Anthropic's envelope and no message_stop", () => {
    const frames = encode(
      [START, { type: "block_start", choice: 0, index: 0, block: { kind: "text" } }],
      new GatewayError("upstream_unreachable", "The stream from OpenAI broke off."),
    );
    expect(frames.at(-1)).toEqual({
      event: "error",
      data: {
        type: "error",
        error: { type: "api_error", message: "The stream from OpenAI broke off." },
        request_id: null,
      },
    });
    expect(frames.map((frame) => frame.event)).not.toContain("message_stop");
  });
});
