import { describe, expect, it } from "vitest";
import { type ChatRequest, GatewayError } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { encodeChatRequest } from "./chat-request.js";

const MODEL = "claude-3-5-sonnet-20241022";
const DEFAULT_MAX_TOKENS = 4096;

function chat(overrides: Partial<ChatRequest>): ChatRequest {
  return { messages: [{ role: "user", content: "Hi" }], extra: {}, ...overrides };
}

const WEATHER_SCHEMA = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

const CASES: { name: string; request: ChatRequest; expected: JsonRecord }[] = [
  {
    name: "sends the model, the messages and the default max_tokens when the request has none",
    request: chat({}),
    expected: { model: MODEL, messages: [{ role: "user", content: "Hi" }], max_tokens: 4096 },
  },
  {
    name: "lifts system and developer messages into a top-level system joined by blank lines",
    request: chat({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hi" },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
      ],
    }),
    expected: {
      model: MODEL,
      system: "You are terse.\n\nAnswer in French.",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4096,
    },
  },
  {
    name: "merges consecutive same-role messages into one turn of text blocks",
    request: chat({
      messages: [
        { role: "user", content: "First." },
        { role: "user", content: [{ type: "text", text: "Second." }] },
        { role: "assistant", content: "Answer." },
        { role: "assistant", content: "More." },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "First." },
            { type: "text", text: "Second." },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Answer." },
            { type: "text", text: "More." },
          ],
        },
      ],
      max_tokens: 4096,
    },
  },
  {
    name: "encodes tool calls as tool_use blocks and tool results as tool_result blocks in one user turn",
    request: chat({
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: null,
          toolCalls: [
            { id: "toolu_01", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "toolu_02", name: "get_weather", arguments: '{"city":"Rome"}' },
          ],
        },
        { role: "tool", toolCallId: "toolu_01", content: "18C" },
        { role: "tool", toolCallId: "toolu_02", content: [{ type: "text", text: "24C" }] },
        { role: "user", content: "Thanks. Which is warmer?" },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_02", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: "18C" },
            { type: "tool_result", tool_use_id: "toolu_02", content: [{ type: "text", text: "24C" }] },
            { type: "text", text: "Thanks. Which is warmer?" },
          ],
        },
      ],
      max_tokens: 4096,
    },
  },
  {
    name: "keeps assistant text before its tool calls and reads empty arguments as an empty object",
    request: chat({
      messages: [
        { role: "user", content: "What time is it?" },
        {
          role: "assistant",
          content: "Let me look.",
          toolCalls: [{ id: "toolu_03", name: "now", arguments: "" }],
        },
        { role: "tool", toolCallId: "toolu_03", content: "" },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        { role: "user", content: "What time is it?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me look." },
            { type: "tool_use", id: "toolu_03", name: "now", input: {} },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_03" }] },
      ],
      max_tokens: 4096,
    },
  },
  {
    name: "halves the temperature onto Anthropic's 0..1 scale and passes max_tokens, top_p and stop",
    request: chat({ temperature: 1.4, topP: 0.9, maxTokens: 256, stop: ["\n\nHuman:", "END"] }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 256,
      temperature: 0.7,
      top_p: 0.9,
      stop_sequences: ["\n\nHuman:", "END"],
    },
  },
  {
    name: "encodes tools, with an empty object schema for a tool without parameters, and a named tool choice",
    request: chat({
      tools: [
        { name: "get_weather", description: "Current weather", parameters: WEATHER_SCHEMA, strict: true },
        { name: "now" },
      ],
      toolChoice: { name: "get_weather" },
    }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4096,
      tools: [
        { name: "get_weather", description: "Current weather", input_schema: WEATHER_SCHEMA },
        { name: "now", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "tool", name: "get_weather" },
    },
  },
  {
    name: "leaves out response_format and seed, which the Messages API does not have, and marks streams",
    request: chat({
      responseFormat: { type: "json_schema", name: "weather", schema: WEATHER_SCHEMA },
      seed: 7,
      n: 1,
      stream: true,
      streamIncludeUsage: true,
    }),
    expected: { model: MODEL, messages: [{ role: "user", content: "Hi" }], max_tokens: 4096, stream: true },
  },
  {
    name: "spreads unknown request fields last so top_k and metadata pass through",
    request: chat({ extra: { top_k: 40, metadata: { user_id: "user-123" } } }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4096,
      top_k: 40,
      metadata: { user_id: "user-123" },
    },
  },
];

describe("encodeChatRequest", () => {
  it.each(CASES)("$name", ({ request, expected }) => {
    expect(encodeChatRequest(request, MODEL, DEFAULT_MAX_TOKENS)).toEqual(expected);
  });

  it.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    ["required", { type: "any" }],
  ] as const)("maps tool_choice %s to %j", (toolChoice, expected) => {
    const body = encodeChatRequest(chat({ tools: [{ name: "now" }], toolChoice }), MODEL, DEFAULT_MAX_TOKENS);
    expect(body.tool_choice).toEqual(expected);
  });

  it("leaves out an auto or none tool choice when the request has no tools", () => {
    expect(encodeChatRequest(chat({ toolChoice: "none" }), MODEL, DEFAULT_MAX_TOKENS)).not.toHaveProperty(
      "tool_choice",
    );
  });

  it("rejects a request for more than one candidate, naming the parameter", () => {
    const encode = () => encodeChatRequest(chat({ n: 3 }), MODEL, DEFAULT_MAX_TOKENS);
    expect(encode).toThrow(GatewayError);
    expect(encode).toThrow(/single candidate \(got 3\)/);
    expect(catchError(encode)).toMatchObject({ code: "parameter_unsupported", param: "n", status: 422 });
  });

  it.each([
    ["not JSON", "{city:"],
    ["not a JSON object", '["Paris"]'],
  ])("rejects tool call arguments that are %s, naming the field", (_, text) => {
    const request = chat({
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: null,
          toolCalls: [{ id: "toolu_04", name: "get_weather", arguments: text }],
        },
      ],
    });
    expect(catchError(() => encodeChatRequest(request, MODEL, DEFAULT_MAX_TOKENS))).toMatchObject({
      code: "invalid_body",
      param: "messages.1.tool_calls.0.function.arguments",
    });
  });

  it("rejects a tool message that does not say which call it answers", () => {
    const request = chat({ messages: [{ role: "tool", content: "18C" }] });
    expect(catchError(() => encodeChatRequest(request, MODEL, DEFAULT_MAX_TOKENS))).toMatchObject({
      code: "invalid_body",
      param: "messages.0.tool_call_id",
    });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
