import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FinishReason } from "../../canonical/index.js";
import { decodeChatResponse } from "./chat-response.js";

const toolUseMessage: unknown = JSON.parse(
  readFileSync(new URL("./fixtures/tool-use-message.json", import.meta.url), "utf8"),
);

function message(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    type: "message",
    role: "assistant",
    model: "claude-3-5-sonnet-20241022",
    content: [{ type: "text", text: "Hi! My name is Claude." }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 2095, output_tokens: 503 },
    ...overrides,
  };
}

describe("decodeChatResponse", () => {
  it("decodes a text message into one choice with its id, model and usage", () => {
    const before = Math.floor(Date.now() / 1000);
    const response = decodeChatResponse(message({}));
    expect(response).toEqual({
      id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
      model: "claude-3-5-sonnet-20241022",
      created: expect.any(Number),
      choices: [
        { index: 0, message: { role: "assistant", content: "Hi! My name is Claude." }, finishReason: "stop" },
      ],
      usage: { inputTokens: 2095, outputTokens: 503, totalTokens: 2598 },
    });
    expect(response.created).toBeGreaterThanOrEqual(before);
  });

  it("turns tool_use blocks into tool calls with the input as JSON text", () => {
    expect(decodeChatResponse(toolUseMessage).choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "I'll check the weather in San Francisco.",
        toolCalls: [
          {
            id: "toolu_01A09q90qw90lq917835lq9",
            name: "get_weather",
            arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
          },
        ],
      },
      finishReason: "tool_calls",
    });
  });

  it("concatenates text blocks and keeps thinking blocks as reasoning with their signature", () => {
    const content = [
      { type: "thinking", thinking: "Let me think.", signature: "EqQBCgIYAhIM" },
      { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" },
      { type: "text", text: "Paris is the capital" },
      { type: "text", text: " of France." },
    ];
    expect(decodeChatResponse(message({ content })).choices[0]?.message).toEqual({
      role: "assistant",
      content: "Paris is the capital of France.",
      reasoning: [
        { text: "Let me think.", signature: "EqQBCgIYAhIM", origin: "anthropic" },
        { text: "", redacted: "EmwKAhgBEgy3va3pzix", origin: "anthropic" },
      ],
    });
  });

  it("has null content when the message holds only tool calls", () => {
    const content = [{ type: "tool_use", id: "toolu_05", name: "now", input: {} }];
    expect(decodeChatResponse(message({ content })).choices[0]?.message.content).toBeNull();
  });

  it.each<[unknown, FinishReason]>([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    [null, null],
    ["a_reason_added_later", null],
  ])("maps stop_reason %j to finish reason %j", (stopReason, finishReason) => {
    expect(decodeChatResponse(message({ stop_reason: stopReason })).choices[0]?.finishReason).toBe(
      finishReason,
    );
  });

  it("counts cache writes and reads as input tokens, and reports them apart", () => {
    const usage = {
      input_tokens: 21,
      cache_creation_input_tokens: 188086,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 188000, ephemeral_1h_input_tokens: 86 },
      output_tokens: 393,
      output_tokens_details: { thinking_tokens: 120 },
    };
    expect(decodeChatResponse(message({ usage })).usage).toEqual({
      inputTokens: 188107,
      outputTokens: 393,
      totalTokens: 188500,
      cacheReadTokens: 0,
      cacheWriteTokens: 188086,
      cacheWrite1hTokens: 86,
      reasoningTokens: 120,
    });
  });

  it("reads null cache counts as none and reports unknown usage when usage is missing", () => {
    const usage = { input_tokens: 10, cache_creation_input_tokens: null, output_tokens: 5 };
    expect(decodeChatResponse(message({ usage })).usage).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 15,
    });
    expect(decodeChatResponse(message({ usage: undefined })).usage).toEqual({
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
    });
  });

  it.each([
    ["a body that is not an object", "Overloaded"],
    ["a message without content", message({ content: undefined })],
    ["a content block that is not an object", message({ content: ["Hi"] })],
  ])("rejects %s as an invalid upstream response", (_, body) => {
    expect(() => decodeChatResponse(body)).toThrow(
      expect.objectContaining({ code: "upstream_invalid_response" }),
    );
  });
});
