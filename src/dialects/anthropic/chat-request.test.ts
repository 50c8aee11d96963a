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
    name: "sends a JSON schema as a structured output, leaves out seed, and marks streams",
    request: chat({
      responseFormat: { type: "json_schema", name: "weather", schema: WEATHER_SCHEMA },
      seed: 7,
      n: 1,
      stream: true,
      streamIncludeUsage: true,
    }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4096,
      output_config: { format: { type: "json_schema", schema: WEATHER_SCHEMA } },
      stream: true,
    },
  },
  {
    name: "asks for thinking with the budget an effort stands for, raising max_tokens above it",
    request: chat({ reasoning: { effort: "high" } }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 16384 + 4096,
      thinking: { type: "enabled", budget_tokens: 16384 },
    },
  },
  {
    name: "cuts a thinking budget to fit under the client's max_tokens",
    request: chat({ reasoning: { budgetTokens: 8000 }, maxTokens: 4000 }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 3999 },
    },
  },
  {
    name: "sends top_k, and one tool call per turn as the tool choice's flag",
    request: chat({
      topK: 40,
      parallelToolCalls: false,
      tools: [{ name: "now", parameters: { type: "object", properties: {} } }],
    }),
    expected: {
      model: MODEL,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4096,
      top_k: 40,
      tools: [{ name: "now", input_schema: { type: "object", properties: {} } }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
    },
  },
  {
    name: "sends images as image blocks: a data URL as base64, another URL as a URL source",
    request: chat({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "high" } },
          ],
        },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
      max_tokens: 4096,
    },
  },
  {
    name: "passes Anthropic's own reasoning back first in the assistant turn, and leaves other providers' out",
    request: chat({
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          reasoning: [
            { text: "Let me check.", signature: "sig-1", origin: "anthropic" },
            { text: "", redacted: "opaque", origin: "anthropic" },
            { text: "Cohere's thought", origin: "cohere" },
            { text: "no signature", origin: "anthropic" },
          ],
          toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
        },
        { role: "tool", toolCallId: "toolu_1", content: "Sunny" },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Let me check.", signature: "sig-1" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Sunny" }] },
      ],
      max_tokens: 4096,
    },
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
