import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatRequest, StreamEvent } from "../../canonical/index.js";
import { encodeGenerateContentRequest } from "./generate-content-request.js";
import { decodeGenerateContentResponse } from "./generate-content-response.js";
import { createStreamDecoder } from "./stream-decoder.js";

/**
 * Thinking on Gemini (https://ai.google.dev/gemini-api/docs/thinking, .../thought-signatures): the request's
 * thinkingConfig per model generation, thought parts and signatures decoded into canonical reasoning, and sent
 * back on the parts they came on, to the service that made them only.
 */

const GEMINI = { model: "gemini-2.5-flash", origin: "gemini" };
const base: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };

describe("the thinking request", () => {
  it.each([
    // A budget as it is; an effort as Google maps it on its OpenAI-compatible endpoint.
    ["gemini-2.5-flash", { budgetTokens: 2048 }, { includeThoughts: true, thinkingBudget: 2048 }],
    ["gemini-2.5-flash", { effort: "low" as const }, { includeThoughts: true, thinkingBudget: 1024 }],
    ["gemini-2.5-flash", { effort: "high" as const }, { includeThoughts: true, thinkingBudget: 24576 }],
    // Above the model's largest budget: clamped (Flash 24576, Pro 32768).
    ["gemini-2.5-flash", { effort: "max" as const }, { includeThoughts: true, thinkingBudget: 24576 }],
    ["gemini-2.5-pro", { effort: "max" as const }, { includeThoughts: true, thinkingBudget: 32768 }],
    // Gemini 3 takes a level, never a budget too: Pro low/high, Flash also minimal/medium.
    ["gemini-3-pro-preview", { budgetTokens: 2048 }, { includeThoughts: true, thinkingLevel: "low" }],
    ["gemini-3-pro-preview", { effort: "medium" as const }, { includeThoughts: true, thinkingLevel: "high" }],
    [
      "gemini-3-flash-preview",
      { effort: "medium" as const },
      { includeThoughts: true, thinkingLevel: "medium" },
    ],
    [
      "gemini-3-flash-preview",
      { effort: "xhigh" as const },
      { includeThoughts: true, thinkingLevel: "high" },
    ],
  ])("asks %s for %j as %j", (model, reasoning, thinkingConfig) => {
    const body = encodeGenerateContentRequest({ ...base, reasoning }, { model, origin: "gemini" });
    expect(body.generationConfig).toEqual({ thinkingConfig });
  });

  it("lets a client's own thinkingConfig win over the translated one", () => {
    const body = encodeGenerateContentRequest(
      { ...base, reasoning: { effort: "low" }, extra: { thinkingConfig: { thinkingBudget: -1 } } },
      GEMINI,
    );
    expect(body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: -1 } });
  });
});

describe("thinking answers", () => {
  it("decodes thought parts as reasoning, a text part's signature as a reasoning of its own, and thinking tokens", () => {
    const response = decodeGenerateContentResponse(
      {
        responseId: "r1",
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                { text: "Let me think.", thought: true },
                { text: "Hello", thoughtSignature: "c2lnLTE=" },
              ],
            },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, thoughtsTokenCount: 4 },
      },
      "gemini-2.5-flash",
      "vertex_ai",
    );
    expect(response.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Hello",
      reasoning: [
        { text: "Let me think.", origin: "vertex_ai" },
        { text: "", signature: "text:c2lnLTE=", origin: "vertex_ai" },
      ],
    });
    // Thinking tokens are output, and reported apart as reasoning (priced as output).
    expect(response.usage).toEqual({ inputTokens: 3, outputTokens: 5, totalTokens: 8, reasoningTokens: 4 });
  });

  it("streams thoughts as a reasoning block, and a final signature as a signed reasoning block before finish", () => {
    const decoder = createStreamDecoder("gemini-2.5-flash", "gemini");
    const events: StreamEvent[] = [];
    const chunk = (parts: unknown[], finish?: string) =>
      decoder.push({
        data: JSON.stringify({
          responseId: "r2",
          candidates: [{ content: { role: "model", parts }, ...(finish && { finishReason: finish }) }],
          usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 2, thoughtsTokenCount: 3 },
        }),
      });
    events.push(...chunk([{ text: "Thinking", thought: true }]));
    events.push(...chunk([{ text: " more", thought: true }]));
    events.push(...chunk([{ text: "Hi" }]));
    events.push(...chunk([{ text: "", thoughtSignature: "c2ln" }], "STOP"));
    events.push(...decoder.finish());
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning", origin: "gemini" } },
      { type: "reasoning_delta", choice: 0, index: 0, text: "Thinking" },
      { type: "reasoning_delta", choice: 0, index: 0, text: " more" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 1, text: "Hi" },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "block_start", choice: 0, index: 2, block: { kind: "reasoning", origin: "gemini" } },
      { type: "reasoning_signature", choice: 0, index: 2, signature: "text:c2ln" },
      { type: "block_stop", choice: 0, index: 2 },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 2, outputTokens: 5, totalTokens: 7, reasoningTokens: 3 } },
    ]);
  });
});

describe("thinking in the history", () => {
  const turn = (reasoning: ChatMessage["reasoning"], toolCall = false): ChatMessage => ({
    role: "assistant",
    content: toolCall ? null : "Hello",
    reasoning,
    ...(toolCall && { toolCalls: [{ id: "call_r1_0", name: "f", arguments: "{}" }] }),
  });
  const modelTurn = (message: ChatMessage, target = GEMINI) =>
    (
      encodeGenerateContentRequest({ ...base, messages: [{ role: "user", content: "Hi" }, message] }, target)
        .contents as unknown[]
    )[1];

  it("sends its own thoughts back as thought parts and the text signature on the last text part", () => {
    expect(
      modelTurn(
        turn([
          { text: "Let me think.", origin: "gemini", signature: "dGg=" },
          { text: "", signature: "text:c2lnLTE=", origin: "gemini" },
        ]),
      ),
    ).toEqual({
      role: "model",
      parts: [
        { text: "Let me think.", thought: true, thoughtSignature: "dGg=" },
        { text: "Hello", thoughtSignature: "c2lnLTE=" },
      ],
    });
  });

  it("leaves out another provider's (or another Google service's) reasoning", () => {
    const reasoning = [
      { text: "Claude's thinking", origin: "anthropic", signature: "sig" },
      { text: "", signature: "text:c2lnLTE=", origin: "vertex_ai" },
    ];
    expect(modelTurn(turn(reasoning))).toEqual({ role: "model", parts: [{ text: "Hello" }] });
  });

  it("gives Gemini 3 the documented stand-in signature for a function call another model made", () => {
    const gemini3 = { model: "gemini-3-pro-preview", origin: "gemini" };
    expect(modelTurn(turn(undefined, true), gemini3)).toEqual({
      role: "model",
      parts: [
        { functionCall: { name: "f", args: {} }, thoughtSignature: "skip_thought_signature_validator" },
      ],
    });
    // Gemini 2.5 validates no signature: none is made up.
    expect(modelTurn(turn(undefined, true))).toEqual({
      role: "model",
      parts: [{ functionCall: { name: "f", args: {} } }],
    });
  });
});
