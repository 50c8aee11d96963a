import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { type ChatResponse, createUsage, UNKNOWN_USAGE } from "../../canonical/index.js";
import { encodeOpenAIChatResponse } from "./chat-response-encoder.js";
import { reportedModel } from "./reported-model.js";

const spec = createSpecValidator("openai");

const TEXT: ChatResponse = {
  id: "msg_01",
  model: "claude-3-5-sonnet-20241022",
  created: 1_700_000_000,
  choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finishReason: "stop" }],
  usage: createUsage(12, 3),
};

const TOOL_CALLS: ChatResponse = {
  ...TEXT,
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        toolCalls: [
          { id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
          { id: "call_2", name: "get_time", arguments: "{}" },
        ],
      },
      finishReason: "tool_calls",
    },
  ],
};

describe("encodeOpenAIChatResponse", () => {
  it("encodes a text answer as OpenAI's chat.completion object", () => {
    const encoded = encodeOpenAIChatResponse(TEXT, "claude-3-5-sonnet-20241022");
    expect(spec.validate("CreateChatCompletionResponse", encoded)).toEqual([]);
    expect(encoded).toEqual({
      id: "msg_01",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "claude-3-5-sonnet-20241022",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello!", refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
  });

  it("encodes tool calls with type function and their arguments as text", () => {
    const encoded = encodeOpenAIChatResponse(TOOL_CALLS, "m");
    expect(spec.validate("CreateChatCompletionResponse", encoded)).toEqual([]);
    expect(encoded.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      finish_reason: "tool_calls",
    });
  });

  it("generates a chatcmpl- id when the upstream gave none", () => {
    const encoded = encodeOpenAIChatResponse({ ...TEXT, id: null }, "m");
    expect(encoded.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(encodeOpenAIChatResponse({ ...TEXT, id: null }, "m").id).not.toBe(encoded.id);
  });

  it("writes unknown token counts as 0 and a missing finish reason as stop, as the schema requires", () => {
    const encoded = encodeOpenAIChatResponse(
      {
        ...TEXT,
        choices: [{ index: 0, message: { role: "assistant", content: "x" }, finishReason: null }],
        usage: UNKNOWN_USAGE,
      },
      "m",
    );
    expect(spec.validate("CreateChatCompletionResponse", encoded)).toEqual([]);
    expect(encoded.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(encoded.choices[0]?.finish_reason).toBe("stop");
  });

  it("encodes several choices in order with their own finish reasons", () => {
    const encoded = encodeOpenAIChatResponse(
      {
        ...TEXT,
        choices: [
          { index: 0, message: { role: "assistant", content: "a" }, finishReason: "length" },
          { index: 1, message: { role: "assistant", content: "b" }, finishReason: "content_filter" },
        ],
      },
      "m",
    );
    expect(spec.validate("CreateChatCompletionResponse", encoded)).toEqual([]);
    expect(encoded.choices.map((choice) => [choice.index, choice.finish_reason])).toEqual([
      [0, "length"],
      [1, "content_filter"],
    ]);
  });
});

describe("reportedModel", () => {
  it.each([
    ["gpt-4o-2024-08-06", "my-route", "gpt-4o-2024-08-06"],
    ["", "my-route", "my-route"],
  ])("reports %j for route %s as %s", (upstream, route, expected) => {
    expect(reportedModel(upstream, route)).toBe(expected);
  });
});
