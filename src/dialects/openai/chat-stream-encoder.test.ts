import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { createUsage, GatewayError, type StreamEvent } from "../../canonical/index.js";
import { createOpenAIChatStreamEncoder } from "./chat-stream-encoder.js";

const spec = createSpecValidator("openai");
const OPTIONS = { id: "chatcmpl-gw", model: "my-route", created: 1_700_000_000, includeUsage: false };
const START: StreamEvent = { type: "message_start", id: "msg_1", model: "claude-3-5-haiku", created: 5 };

/** Encodes the events and parses every chunk, checking each against OpenAI's chunk schema. */
function encode(events: StreamEvent[], options: Partial<typeof OPTIONS> = {}): Record<string, unknown>[] {
  const encoder = createOpenAIChatStreamEncoder({ ...OPTIONS, ...options });
  const texts = [...events.flatMap((event) => encoder.push(event)), ...encoder.finish()];
  const chunks = texts.map((text) => JSON.parse(text) as Record<string, unknown>);
  for (const chunk of chunks) expect(spec.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
  return chunks;
}

function choice(index: number, delta: Record<string, unknown>, finish: string | null = null) {
  return { index, delta, logprobs: null, finish_reason: finish };
}

const HEAD = {
  id: "chatcmpl-gw",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "claude-3-5-haiku",
};

describe("createOpenAIChatStreamEncoder", () => {
  it("sends the role chunk on message_start, then content deltas and a finish chunk", () => {
    const chunks = encode([
      START,
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Hel" },
      { type: "text_delta", choice: 0, index: 0, text: "" },
      { type: "text_delta", choice: 0, index: 0, text: "lo" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: createUsage(3, 2) },
    ]);
    expect(chunks).toEqual([
      { ...HEAD, choices: [choice(0, { role: "assistant", content: "" })] },
      { ...HEAD, choices: [choice(0, { content: "Hel" })] },
      { ...HEAD, choices: [choice(0, { content: "lo" })] },
      { ...HEAD, choices: [choice(0, {}, "stop")] },
    ]);
  });

  it("numbers a choice's tool calls from 0 and sends their arguments piece by piece", () => {
    const chunks = encode([
      START,
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "Checking." },
      { type: "block_stop", choice: 0, index: 0 },
      {
        type: "block_start",
        choice: 0,
        index: 1,
        block: { kind: "tool_call", id: "toolu_1", name: "get_weather" },
      },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: '{"city":' },
      { type: "tool_arguments_delta", choice: 0, index: 1, json: '"Oslo"}' },
      { type: "block_stop", choice: 0, index: 1 },
      {
        type: "block_start",
        choice: 0,
        index: 2,
        block: { kind: "tool_call", id: "toolu_2", name: "get_time" },
      },
      { type: "tool_arguments_delta", choice: 0, index: 2, json: "{}" },
      { type: "block_stop", choice: 0, index: 2 },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ]);
    expect(chunks.slice(2).map((chunk) => chunk.choices)).toEqual([
      [
        choice(0, {
          tool_calls: [
            { index: 0, id: "toolu_1", type: "function", function: { name: "get_weather", arguments: "" } },
          ],
        }),
      ],
      [choice(0, { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })],
      [choice(0, { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] })],
      [
        choice(0, {
          tool_calls: [
            { index: 1, id: "toolu_2", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        }),
      ],
      [choice(0, { tool_calls: [{ index: 1, function: { arguments: "{}" } }] })],
      [choice(0, {}, "tool_calls")],
    ]);
  });

  it("interleaves n=2 choices, each with its own role chunk and tool-call numbering", () => {
    const chunks = encode([
      START,
      { type: "block_start", choice: 1, index: 0, block: { kind: "tool_call", id: "c1", name: "f" } },
      { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 0, text: "A" },
      { type: "tool_arguments_delta", choice: 1, index: 0, json: "{}" },
      { type: "finish", choice: 1, reason: "tool_calls" },
      { type: "finish", choice: 0, reason: "length" },
    ]);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [choice(0, { role: "assistant", content: "" })],
      [choice(1, { role: "assistant", content: "" })],
      [
        choice(1, {
          tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "f", arguments: "" } }],
        }),
      ],
      [choice(0, { content: "A" })],
      [choice(1, { tool_calls: [{ index: 0, function: { arguments: "{}" } }] })],
      [choice(1, {}, "tool_calls")],
      [choice(0, {}, "length")],
    ]);
  });

  it("with include_usage, sends usage: null on every chunk and a final usage chunk with no choices", () => {
    const chunks = encode(
      [START, { type: "finish", choice: 0, reason: "stop" }, { type: "usage", usage: createUsage(10, null) }],
      { includeUsage: true },
    );
    expect(chunks).toEqual([
      { ...HEAD, choices: [choice(0, { role: "assistant", content: "" })], usage: null },
      { ...HEAD, choices: [choice(0, {}, "stop")], usage: null },
      { ...HEAD, choices: [], usage: { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10 } },
    ]);
  });

  it("with include_usage, ends with a usage chunk of zeros when the upstream reported no usage", () => {
    const chunks = encode([START, { type: "finish", choice: 0, reason: "stop" }], { includeUsage: true });
    expect(chunks.at(-1)).toEqual({
      ...HEAD,
      choices: [],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
  });

  it("reports the route name when the upstream names no model, and a missing finish reason as stop", () => {
    const chunks = encode([
      { ...START, model: "" } as StreamEvent,
      { type: "finish", choice: 0, reason: null },
    ]);
    expect(chunks.map((chunk) => chunk.model)).toEqual(["my-route", "my-route"]);
    expect(chunks.at(-1)?.choices).toEqual([choice(0, {}, "stop")]);
  });

  it("returns nothing for an error event and anything after it, leaving the error frame to the caller", () => {
    const encoder = createOpenAIChatStreamEncoder({ ...OPTIONS, includeUsage: true });
    encoder.push(START);
    const error = new GatewayError("upstream_invalid_response", "cut");
    expect(encoder.push({ type: "error", error })).toEqual([]);
    expect(encoder.push({ type: "finish", choice: 0, reason: "stop" })).toEqual([]);
    expect(encoder.finish()).toEqual([]);
  });
});
