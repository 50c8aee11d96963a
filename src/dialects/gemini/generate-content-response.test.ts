import { describe, expect, it } from "vitest";
import { decodeGenerateContentResponse } from "./generate-content-response.js";

const usageMetadata = {
  promptTokenCount: 10,
  candidatesTokenCount: 4,
  thoughtsTokenCount: 6,
  totalTokenCount: 20,
};

describe("decodeGenerateContentResponse", () => {
  it("joins text parts, keeps thought parts as reasoning, and counts thinking tokens as output and reasoning", () => {
    const response = decodeGenerateContentResponse(
      {
        candidates: [
          {
            content: {
              role: "model",
              parts: [{ text: "Reasoning...", thought: true }, { text: "Hello" }, { text: " you" }],
            },
            finishReason: "STOP",
            index: 0,
          },
        ],
        usageMetadata,
        modelVersion: "gemini-2.5-pro",
        responseId: "r-1",
      },
      "configured",
    );
    expect(response).toEqual({
      id: "r-1",
      model: "gemini-2.5-pro",
      created: expect.any(Number),
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Hello you",
            reasoning: [{ text: "Reasoning...", origin: "gemini" }],
          },
          finishReason: "stop",
        },
      ],
      usage: { inputTokens: 10, outputTokens: 10, totalTokens: 20, reasoningTokens: 6 },
    });
  });

  it("reports function calls as tool calls with finish reason tool_calls although Gemini says STOP", () => {
    const response = decodeGenerateContentResponse(
      {
        candidates: [
          {
            content: { parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
            finishReason: "STOP",
          },
        ],
      },
      "gemini-2.0-flash",
    );
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: null,
        toolCalls: [{ id: "call_0", name: "get_weather", arguments: '{"city":"Paris"}' }],
      },
      finishReason: "tool_calls",
    });
    expect(response.model).toBe("gemini-2.0-flash");
    expect(response.usage).toEqual({ inputTokens: null, outputTokens: null, totalTokens: null });
  });

  for (const [reason, expected] of [
    ["MAX_TOKENS", "length"],
    ["SAFETY", "content_filter"],
    ["RECITATION", "content_filter"],
    ["PROHIBITED_CONTENT", "content_filter"],
    ["MALFORMED_FUNCTION_CALL", null],
    ["SOMETHING_NEW", null],
  ] as const) {
    it(`maps finishReason ${reason} to ${expected}`, () => {
      const response = decodeGenerateContentResponse(
        { candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: reason }] },
        "m",
      );
      expect(response.choices[0]?.finishReason).toBe(expected);
    });
  }

  it("answers a blocked prompt with one empty choice finished by content_filter", () => {
    const response = decodeGenerateContentResponse(
      { promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 3 } },
      "m",
    );
    expect(response.choices).toEqual([
      { index: 0, message: { role: "assistant", content: null }, finishReason: "content_filter" },
    ]);
  });

  it("takes created from Vertex's createTime", () => {
    const response = decodeGenerateContentResponse(
      { candidates: [{ content: { parts: [{ text: "x" }] } }], createTime: "2024-05-01T00:00:00.000Z" },
      "m",
    );
    expect(response.created).toBe(1714521600);
  });

  it("refuses a body without candidates that was not blocked, saying what is missing", () => {
    expect(() => decodeGenerateContentResponse({ usageMetadata }, "m")).toThrow(/`candidates` is missing/);
  });
});
