import { describe, expect, it } from "vitest";
import { type ChatRequest, GatewayError } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { encodeChatRequest } from "./chat-request.js";

const MODEL = "command-a-03-2025";
const HI = { role: "user", content: "Hi" } as const;

function chat(overrides: Partial<ChatRequest>): ChatRequest {
  return { messages: [{ role: "user", content: "Hi" }], extra: {}, ...overrides };
}

const WEATHER = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

const CASES: { name: string; request: ChatRequest; expected: JsonRecord }[] = [
  {
    name: "sends the configured model and the messages",
    request: chat({}),
    expected: { model: MODEL, messages: [HI] },
  },
  {
    name: "sends system and developer messages as system messages, keeping multi-part content",
    request: chat({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }],
          name: "ann",
        },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        { role: "system", content: "Be terse." },
        { role: "system", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] },
      ],
    },
  },
  {
    name: "sends an assistant's tool calls as tool_calls, its text as tool_plan, and tool results as tool messages",
    request: chat({
      messages: [
        HI,
        {
          role: "assistant",
          content: "I will look it up.",
          toolCalls: [{ id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' }],
        },
        { role: "tool", content: '{"temp":3}', toolCallId: "call_1" },
        { role: "assistant", content: null, toolCalls: [{ id: "call_2", name: "weather", arguments: "{}" }] },
        { role: "tool", content: null, toolCallId: "call_2" },
        { role: "assistant", content: "It is 3 degrees." },
      ],
    }),
    expected: {
      model: MODEL,
      messages: [
        HI,
        {
          role: "assistant",
          tool_plan: "I will look it up.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"temp":3}' },
        {
          role: "assistant",
          tool_calls: [{ id: "call_2", type: "function", function: { name: "weather", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_2", content: "" },
        { role: "assistant", content: "It is 3 degrees." },
      ],
    },
  },
  {
    name: "halves the temperature from OpenAI's 0..2 scale to Cohere's 0..1",
    request: chat({ temperature: 1.4 }),
    expected: { model: MODEL, messages: [HI], temperature: 0.7 },
  },
  {
    name: "sends the top of the temperature scale as Cohere's maximum of 1",
    request: chat({ temperature: 2 }),
    expected: { model: MODEL, messages: [HI], temperature: 1 },
  },
  {
    name: "sends top_p as p",
    request: chat({ topP: 0.9 }),
    expected: { model: MODEL, messages: [HI], p: 0.9 },
  },
  {
    name: "keeps p inside Cohere's 0.01..0.99 range",
    request: chat({ topP: 1 }),
    expected: { model: MODEL, messages: [HI], p: 0.99 },
  },
  {
    name: "sends max tokens, stop sequences and seed",
    request: chat({ maxTokens: 64, stop: ["\n\n", "END"], seed: 7 }),
    expected: { model: MODEL, messages: [HI], max_tokens: 64, stop_sequences: ["\n\n", "END"], seed: 7 },
  },
  {
    name: "accepts a request for exactly one candidate without sending n",
    request: chat({ n: 1 }),
    expected: { model: MODEL, messages: [HI] },
  },
  {
    name: "sends tools as v2 function tools, with an empty object schema for a tool without parameters",
    request: chat({
      tools: [{ name: "weather", description: "Current weather", parameters: WEATHER }, { name: "now" }],
    }),
    expected: {
      model: MODEL,
      messages: [HI],
      tools: [
        {
          type: "function",
          function: { name: "weather", description: "Current weather", parameters: WEATHER },
        },
        { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } },
      ],
    },
  },
  {
    name: "asks for strict tools when every tool is strict",
    request: chat({ tools: [{ name: "weather", parameters: WEATHER, strict: true }] }),
    expected: {
      model: MODEL,
      messages: [HI],
      tools: [{ type: "function", function: { name: "weather", parameters: WEATHER } }],
      strict_tools: true,
    },
  },
  {
    name: "leaves tool_choice out for auto",
    request: chat({ toolChoice: "auto" }),
    expected: { model: MODEL, messages: [HI] },
  },
  {
    name: "sends tool_choice none as NONE",
    request: chat({ toolChoice: "none" }),
    expected: { model: MODEL, messages: [HI], tool_choice: "NONE" },
  },
  {
    name: "sends tool_choice required as REQUIRED",
    request: chat({ toolChoice: "required" }),
    expected: { model: MODEL, messages: [HI], tool_choice: "REQUIRED" },
  },
  {
    name: "sends a forced tool as REQUIRED when it is the only tool offered",
    request: chat({ tools: [{ name: "weather", parameters: WEATHER }], toolChoice: { name: "weather" } }),
    expected: {
      model: MODEL,
      messages: [HI],
      tools: [{ type: "function", function: { name: "weather", parameters: WEATHER } }],
      tool_choice: "REQUIRED",
    },
  },
  {
    name: "sends a json_object response format",
    request: chat({ responseFormat: { type: "json_object" } }),
    expected: { model: MODEL, messages: [HI], response_format: { type: "json_object" } },
  },
  {
    name: "sends a json_schema response format as json_object with the schema",
    request: chat({
      responseFormat: { type: "json_schema", name: "weather", schema: WEATHER, strict: true },
    }),
    expected: {
      model: MODEL,
      messages: [HI],
      response_format: { type: "json_object", json_schema: WEATHER },
    },
  },
  {
    name: "sends stream true when streaming, and nothing for usage, which Cohere always reports",
    request: chat({ stream: true, streamIncludeUsage: true }),
    expected: { model: MODEL, messages: [HI], stream: true },
  },
  {
    name: "passes extra fields through last, so provider options such as k and safety_mode reach Cohere",
    request: chat({ temperature: 1, extra: { k: 40, safety_mode: "STRICT", temperature: 0.2 } }),
    expected: { model: MODEL, messages: [HI], temperature: 0.2, k: 40, safety_mode: "STRICT" },
  },
];

describe("encodeChatRequest", () => {
  it.each(CASES)("$name", ({ request, expected }) => {
    expect(encodeChatRequest(request, MODEL)).toEqual(expected);
  });

  it("rejects a request for several candidates, naming n", () => {
    const attempt = () => encodeChatRequest(chat({ n: 3 }), MODEL);
    expect(attempt).toThrow(GatewayError);
    expect(attempt).toThrow(
      "The cohere provider returns one candidate per request; the request must ask for a single candidate (got 3).",
    );
    expect(catchError(attempt)).toMatchObject({ code: "parameter_unsupported", param: "n", status: 422 });
  });

  it("rejects forcing one named tool among several, since Cohere can only require some tool", () => {
    const request = chat({
      tools: [{ name: "weather" }, { name: "now" }],
      toolChoice: { name: "weather" },
    });
    const error = catchError(() => encodeChatRequest(request, MODEL));
    expect(error).toMatchObject({ code: "parameter_unsupported", param: "tool_choice" });
    expect(error.message).toContain("can only require that the model calls some tool");
  });
});

function catchError(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}
