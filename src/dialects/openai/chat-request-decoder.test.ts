import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import type { ChatRequest } from "../../canonical/index.js";
import { decodeOpenAIChatRequest } from "./chat-request-decoder.js";

const spec = createSpecValidator("openai");
const USER = { role: "user", content: "Hi" };
const WEATHER = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: true,
  },
};

function body(fields: Record<string, unknown>): Record<string, unknown> {
  return { model: "my-route", messages: [USER], ...fields };
}

describe("decodeOpenAIChatRequest", () => {
  const valid: [string, Record<string, unknown>, Partial<ChatRequest>][] = [
    ["a minimal body", body({}), { messages: [{ role: "user", content: "Hi" }], extra: {} }],
    [
      "every sampling field",
      body({ temperature: 1.4, top_p: 0.9, max_tokens: 100, stop: "END", n: 2, seed: 7 }),
      { temperature: 1.4, topP: 0.9, maxTokens: 100, stop: ["END"], n: 2, seed: 7 },
    ],
    ["max_completion_tokens", body({ max_completion_tokens: 64 }), { maxTokens: 64 }],
    [
      "equal max_tokens and max_completion_tokens",
      body({ max_tokens: 9, max_completion_tokens: 9 }),
      { maxTokens: 9 },
    ],
    ["a list of stop sequences", body({ stop: ["a", "b", "c", "d"] }), { stop: ["a", "b", "c", "d"] }],
    [
      "stream with include_usage",
      body({ stream: true, stream_options: { include_usage: true } }),
      { stream: true, streamIncludeUsage: true, extra: {} },
    ],
    ["stream without usage", body({ stream: true }), { stream: true }],
    [
      "tools and a named tool_choice",
      body({ tools: [WEATHER], tool_choice: { type: "function", function: { name: "get_weather" } } }),
      {
        tools: [
          {
            name: "get_weather",
            description: "Weather in a city",
            parameters: WEATHER.function.parameters,
            strict: true,
          },
        ],
        toolChoice: { name: "get_weather" },
      },
    ],
    ["tool_choice required", body({ tool_choice: "required" }), { toolChoice: "required" }],
    ["tool_choice none", body({ tool_choice: "none" }), { toolChoice: "none" }],
    [
      "response_format json_object",
      body({ response_format: { type: "json_object" } }),
      { responseFormat: { type: "json_object" } },
    ],
    [
      "response_format text",
      body({ response_format: { type: "text" } }),
      { responseFormat: { type: "text" } },
    ],
    [
      "response_format json_schema",
      body({
        response_format: {
          type: "json_schema",
          json_schema: { name: "answer", schema: { type: "object" }, strict: true },
        },
      }),
      { responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
    ],
    [
      "response_format json_schema without a schema",
      body({ response_format: { type: "json_schema", json_schema: { name: "anything" } } }),
      { responseFormat: { type: "json_schema", name: "anything", schema: {} } },
    ],
    [
      "unmapped fields, kept in extra (legacy functions included)",
      body({
        user: "u-1",
        logit_bias: { "50256": -100 },
        parallel_tool_calls: false,
        functions: [{ name: "f" }],
        function_call: "auto",
      }),
      {
        parallelToolCalls: false,
        extra: {
          user: "u-1",
          logit_bias: { "50256": -100 },
          functions: [{ name: "f" }],
          function_call: "auto",
        },
      },
    ],
  ];

  it.each(valid)("decodes %s", (_name, input, expected) => {
    expect(spec.validate("CreateChatCompletionRequest", input)).toEqual([]);
    const { routeName, request } = decodeOpenAIChatRequest(input);
    expect(routeName).toBe("my-route");
    expect(request).toMatchObject(expected);
  });

  it("treats null optional fields as absent, as OpenAI does", () => {
    const fields = [
      "temperature",
      "top_p",
      "max_tokens",
      "max_completion_tokens",
      "stop",
      "n",
      "seed",
      "stream",
    ];
    const input = body({
      ...Object.fromEntries(fields.map((field) => [field, null])),
      stream_options: null,
      tools: null,
      tool_choice: null,
      response_format: null,
    });
    expect(decodeOpenAIChatRequest(input).request).toEqual({
      messages: [{ role: "user", content: "Hi" }],
      extra: {},
    });
  });

  it("decodes messages of every role, with parts, names, tool calls and tool results", () => {
    const image = { type: "image_url", image_url: { url: "https://example.com/a.png" } };
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
      { role: "user", name: "ann", content: [{ type: "text", text: "Weather here?" }, image] },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "4°C" },
      { role: "assistant", content: "It is 4°C." },
    ];
    expect(spec.validate("CreateChatCompletionRequest", body({ messages }))).toEqual([]);
    expect(decodeOpenAIChatRequest(body({ messages })).request.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
      { role: "user", name: "ann", content: [{ type: "text", text: "Weather here?" }, image] },
      {
        role: "assistant",
        content: null,
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }],
      },
      { role: "tool", toolCallId: "call_1", content: "4°C" },
      { role: "assistant", content: "It is 4°C." },
    ]);
  });

  const invalid: [string, unknown, string, string | undefined][] = [
    ["a body that is not an object", [], "The request body must be a JSON object.", undefined],
    ["no model", { messages: [USER] }, "Missing required parameter: 'model'.", "model"],
    [
      "a model that is not a string",
      body({ model: 4 }),
      "Invalid type for 'model': expected a string, but got an integer instead.",
      "model",
    ],
    ["no messages", { model: "r" }, "Missing required parameter: 'messages'.", "messages"],
    [
      "empty messages",
      body({ messages: [] }),
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
    ],
    [
      "an unknown role",
      body({ messages: [{ role: "robot", content: "x" }] }),
      "Invalid value for 'messages[0].role': 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.",
      "messages.0.role",
    ],
    [
      "a message without role",
      body({ messages: [{ content: "x" }] }),
      "Missing required parameter: 'messages[0].role'.",
      "messages.0.role",
    ],
    [
      "content of the wrong type",
      body({ messages: [{ role: "user", content: 3 }] }),
      "Invalid type for 'messages[0].content': expected a string or an array, but got an integer instead.",
      "messages.0.content",
    ],
    [
      "a user message without content",
      body({ messages: [{ role: "user" }] }),
      "Missing required parameter: 'messages[0].content'.",
      "messages.0.content",
    ],
    [
      "a text part without text",
      body({ messages: [{ role: "user", content: [{ type: "text", text: 3 }] }] }),
      "Invalid 'messages[0].content[0].text': a text part needs a 'text' string.",
      "messages.0.content.0.text",
    ],
    [
      "a tool message without tool_call_id",
      body({ messages: [USER, { role: "tool", content: "4°C" }] }),
      "Missing required parameter: 'messages[1].tool_call_id'.",
      "messages.1.tool_call_id",
    ],
    [
      "a tool call without arguments",
      body({
        messages: [
          { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f" } }] },
        ],
      }),
      "Missing required parameter: 'messages[0].tool_calls[0].function.arguments'.",
      "messages.0.tool_calls.0.function.arguments",
    ],
    [
      "a temperature given as a string",
      body({ temperature: "1" }),
      "Invalid type for 'temperature': expected a number, but got a string instead.",
      "temperature",
    ],
    [
      "a temperature above 2",
      body({ temperature: 3 }),
      "Invalid 'temperature': number above maximum value. Expected a value <= 2, but got 3 instead.",
      "temperature",
    ],
    [
      "a negative top_p",
      body({ top_p: -0.5 }),
      "Invalid 'top_p': number below minimum value. Expected a value >= 0, but got -0.5 instead.",
      "top_p",
    ],
    [
      "a fractional max_tokens",
      body({ max_tokens: 1.5 }),
      "Invalid type for 'max_tokens': expected an integer, but got a decimal instead.",
      "max_tokens",
    ],
    [
      "max_tokens and max_completion_tokens that differ",
      body({ max_tokens: 10, max_completion_tokens: 20 }),
      "'max_tokens' (10) and 'max_completion_tokens' (20) disagree: they set the same limit, so give one of them.",
      "max_completion_tokens",
    ],
    [
      "five stop sequences",
      body({ stop: ["a", "b", "c", "d", "e"] }),
      "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.",
      "stop",
    ],
    [
      "a stop that is a number",
      body({ stop: 3 }),
      "Invalid type for 'stop': expected a string or an array, but got an integer instead.",
      "stop",
    ],
    [
      "n of 0",
      body({ n: 0 }),
      "Invalid 'n': number below minimum value. Expected a value >= 1, but got 0 instead.",
      "n",
    ],
    [
      "a seed that is not an integer",
      body({ seed: 0.5 }),
      "Invalid type for 'seed': expected an integer, but got a decimal instead.",
      "seed",
    ],
    [
      "stream given as a string",
      body({ stream: "yes" }),
      "Invalid type for 'stream': expected a boolean, but got a string instead.",
      "stream",
    ],
    [
      "stream_options without stream",
      body({ stream_options: { include_usage: true } }),
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      "stream_options",
    ],
    [
      "a custom tool",
      body({ tools: [{ type: "custom", custom: { name: "x" } }] }),
      "Invalid value for 'tools[0].type': 'custom'. Supported values are: 'function'.",
      "tools.0.type",
    ],
    [
      "a function tool without name",
      body({ tools: [{ type: "function", function: { description: "d" } }] }),
      "Missing required parameter: 'tools[0].function.name'.",
      "tools.0.function.name",
    ],
    [
      "an unknown tool_choice",
      body({ tool_choice: "sometimes" }),
      "Invalid value for 'tool_choice': 'sometimes'. Supported values are: 'none', 'auto', and 'required'.",
      "tool_choice",
    ],
    [
      "a named tool_choice without its function",
      body({ tool_choice: { type: "function" } }),
      "Missing required parameter: 'tool_choice.function'.",
      "tool_choice.function",
    ],
    [
      "an allowed_tools tool_choice",
      body({ tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [] } } }),
      "Invalid value for 'tool_choice.type': 'allowed_tools'. Supported values are: 'function'.",
      "tool_choice.type",
    ],
    [
      "an unknown response_format",
      body({ response_format: { type: "xml" } }),
      "Invalid value for 'response_format.type': 'xml'. Supported values are: 'text', 'json_object', and 'json_schema'.",
      "response_format.type",
    ],
    [
      "a json_schema without name",
      body({ response_format: { type: "json_schema", json_schema: { schema: {} } } }),
      "Missing required parameter: 'response_format.json_schema.name'.",
      "response_format.json_schema.name",
    ],
  ];

  it.each(invalid)("refuses %s, naming the field", (_name, input, message, param) => {
    expect(() => decodeOpenAIChatRequest(input)).toThrow(
      expect.objectContaining({ code: "invalid_body", status: 422, message, param }),
    );
  });

  it("reports every problem of a body, the param naming the first", () => {
    expect(() => decodeOpenAIChatRequest({ messages: [], temperature: "hot" })).toThrow(
      expect.objectContaining({
        param: "model",
        message:
          "Missing required parameter: 'model'. Invalid type for 'temperature': expected a number, but got a string instead. Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      }),
    );
  });
});
