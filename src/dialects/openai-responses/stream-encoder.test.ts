import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { createUsage, GatewayError, type StreamEvent } from "../../canonical/index.js";
import { echoRequest, type ResponseFrame } from "./response-object.js";
import { ResponsesStreamEncoder } from "./stream-encoder.js";

const spec = createSpecValidator("openai");

function frameFor(includeEncryptedReasoning: boolean): ResponseFrame {
  return {
    id: "resp_1",
    createdAt: 1,
    model: "route",
    echo: echoRequest({ model: "route", input: "Hi" }, false),
    includeEncryptedReasoning,
  };
}

function encode(events: StreamEvent[], options: { include?: boolean; fail?: GatewayError } = {}) {
  const encoder = new ResponsesStreamEncoder(frameFor(options.include === true), "route");
  const frames = events.flatMap((event) => encoder.push(event));
  frames.push(...(options.fail === undefined ? encoder.finish() : encoder.fail(options.fail)));
  const decoded = frames.map((frame) => {
    if (typeof frame === "string") throw new Error("Responses events are named");
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    expect(data.type).toBe(frame.event);
    expect(spec.validate(data.type === "error" ? "ResponseErrorEvent" : "ResponseStreamEvent", data)).toEqual(
      [],
    );
    return data;
  });
  return { encoder, events: decoded };
}

const START: StreamEvent = { type: "message_start", id: null, model: "claude-x", created: 0 };
const REASONING: StreamEvent[] = [
  { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning", origin: "anthropic" } },
  { type: "reasoning_delta", choice: 0, index: 0, text: "Think" },
  { type: "reasoning_signature", choice: 0, index: 0, signature: "sig-1" },
  { type: "block_stop", choice: 0, index: 0 },
];

describe("ResponsesStreamEncoder", () => {
  it("encodes reasoning, text and a call as items, numbered in sequence, ending with response.completed", () => {
    const { events, encoder } = encode(
      [
        START,
        ...REASONING,
        { type: "block_start", choice: 0, index: 1, block: { kind: "text" } },
        { type: "text_delta", choice: 0, index: 1, text: "Hi" },
        { type: "block_stop", choice: 0, index: 1 },
        { type: "block_start", choice: 0, index: 2, block: { kind: "tool_call", id: "call_1", name: "now" } },
        { type: "tool_arguments_delta", choice: 0, index: 2, json: "{}" },
        { type: "block_stop", choice: 0, index: 2 },
        { type: "finish", choice: 0, reason: "tool_calls" },
        { type: "usage", usage: createUsage(5, 7, { reasoningTokens: 2 }) },
      ],
      { include: true },
    );
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const completed = events.at(-1)?.response as {
      model: string;
      output: Record<string, unknown>[];
      usage: unknown;
    };
    expect(completed.model).toBe("claude-x");
    expect(completed.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(completed.output[0]).toMatchObject({ encrypted_content: "switchyard:v1:anthropic:sig-1" });
    expect(completed.usage).toMatchObject({ output_tokens_details: { reasoning_tokens: 2 } });
    expect(encoder.final()).toMatchObject({ status: "completed" });
  });

  it("leaves the reasoning token out for a client that did not ask for it, keeping it for the store", () => {
    const { events, encoder } = encode([START, ...REASONING, { type: "finish", choice: 0, reason: "stop" }]);
    const done = events.find((event) => event.type === "response.output_item.done")?.item;
    expect(done).not.toHaveProperty("encrypted_content");
    expect(encoder.final()).toMatchObject({
      output: [expect.objectContaining({ encrypted_content: expect.any(String) })],
    });
  });

  it("ends with response.incomplete at the token limit", () => {
    const { events } = encode([START, { type: "finish", choice: 0, reason: "length" }]);
    expect(events.at(-1)).toMatchObject({
      type: "response.incomplete",
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    });
  });

  it("ends a broken stream with an error event and response.failed, reporting cut items as incomplete", () => {
    const { events } = encode(
      [
        START,
        { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
        { type: "text_delta", choice: 0, index: 0, text: "Hal" },
      ],
      { fail: new GatewayError("rate_limited", "Slow down") },
    );
    expect(events.slice(-2)).toMatchObject([
      { type: "error", code: "rate_limit_exceeded", message: "Slow down", param: null },
      {
        type: "response.failed",
        response: {
          status: "failed",
          error: { code: "rate_limit_exceeded", message: "Slow down" },
          output: [{ type: "message", status: "incomplete", content: [{ text: "Hal" }] }],
        },
      },
    ]);
  });
});
