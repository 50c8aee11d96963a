import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ChatResponse, type FinishReason, GatewayError } from "../../canonical/index.js";
import { decodeChatResponse } from "./chat-response.js";

const MODEL = "command-a-03-2025";
const NOW_SECONDS = 1_790_000_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW_SECONDS * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

const USAGE = {
  billed_units: { input_tokens: 5, output_tokens: 418 },
  tokens: { input_tokens: 71, output_tokens: 418 },
};

// Shaped after the recorded examples chat-v2-post_default.yaml and chat-v2-post_tools.yaml of Cohere's spec.
const CASES: { name: string; body: unknown; expected: ChatResponse }[] = [
  {
    name: "joins the text parts, names the configured model and prefers usage.tokens over billed_units",
    body: {
      id: "c14c80c3",
      message: {
        role: "assistant",
        content: [
          { type: "text", text: "LLMs stand for " },
          { type: "text", text: "Large Language Models." },
        ],
      },
      finish_reason: "COMPLETE",
      usage: USAGE,
    },
    expected: {
      id: "c14c80c3",
      model: MODEL,
      created: NOW_SECONDS,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "LLMs stand for Large Language Models." },
          finishReason: "stop",
        },
      ],
      usage: { inputTokens: 71, outputTokens: 418, totalTokens: 489 },
    },
  },
  {
    name: "decodes tool calls, with thinking as reasoning rather than content",
    body: {
      id: "9e5f00aa",
      message: {
        role: "assistant",
        content: [{ type: "thinking", thinking: "I will find the sales summary." }],
        tool_plan: "I will find the sales summary.",
        tool_calls: [
          {
            id: "query_daily_sales_report_hgxx",
            type: "function",
            function: { name: "query_daily_sales_report", arguments: '{"day": "2023-09-29"}' },
          },
        ],
      },
      finish_reason: "TOOL_CALL",
      usage: { billed_units: { input_tokens: 127, output_tokens: 69 } },
    },
    expected: {
      id: "9e5f00aa",
      model: MODEL,
      created: NOW_SECONDS,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            reasoning: [{ text: "I will find the sales summary.", origin: "cohere" }],
            toolCalls: [
              {
                id: "query_daily_sales_report_hgxx",
                name: "query_daily_sales_report",
                arguments: '{"day": "2023-09-29"}',
              },
            ],
          },
          finishReason: "tool_calls",
        },
      ],
      usage: { inputTokens: 127, outputTokens: 69, totalTokens: 196 },
    },
  },
  {
    name: "reports unknown usage and no id when the response has neither",
    body: {
      message: { role: "assistant", content: [{ type: "text", text: "Hi" }] },
      finish_reason: "COMPLETE",
    },
    expected: {
      id: null,
      model: MODEL,
      created: NOW_SECONDS,
      choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, finishReason: "stop" }],
      usage: { inputTokens: null, outputTokens: null, totalTokens: null },
    },
  },
];

const FINISH_REASONS: { wire: unknown; canonical: FinishReason }[] = [
  { wire: "COMPLETE", canonical: "stop" },
  { wire: "STOP_SEQUENCE", canonical: "stop" },
  { wire: "MAX_TOKENS", canonical: "length" },
  { wire: "TOOL_CALL", canonical: "tool_calls" },
  { wire: "ERROR", canonical: null },
  { wire: "TIMEOUT", canonical: null },
  { wire: "SOMETHING_NEW", canonical: null },
  { wire: undefined, canonical: null },
];

describe("decodeChatResponse", () => {
  it.each(CASES)("$name", ({ body, expected }) => {
    expect(decodeChatResponse(body, MODEL)).toEqual(expected);
  });

  it.each(FINISH_REASONS)("maps finish_reason $wire to $canonical", ({ wire, canonical }) => {
    const body = { id: "x", message: { role: "assistant", content: [] }, finish_reason: wire };
    expect(decodeChatResponse(body, MODEL).choices[0]?.finishReason).toBe(canonical);
  });

  it("rejects a body without a message as an invalid upstream response", () => {
    expect(() => decodeChatResponse({ id: "x", finish_reason: "COMPLETE" }, MODEL)).toThrow(GatewayError);
    expect(() => decodeChatResponse({ id: "x", finish_reason: "COMPLETE" }, MODEL)).toThrow("`message`");
  });
});
