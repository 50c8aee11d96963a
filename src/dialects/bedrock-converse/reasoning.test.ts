import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatRequest, StreamEvent } from "../../canonical/index.js";
import { encodeConverseRequest } from "./converse-request.js";
import { decodeConverseResponse } from "./converse-response.js";
import { createConverseStreamDecoder } from "./stream-decoder.js";

/**
 * Reasoning on Bedrock Converse (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-reasoning.html):
 * each model family's request in `additionalModelRequestFields`, `reasoningContent` blocks (text with signature,
 * redacted content) decoded from answers and streams, and sent back first in their turn to Bedrock only.
 */

const base: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };

describe("the reasoning request", () => {
  it.each([
    [
      "anthropic.claude-sonnet-4-20250514-v1:0",
      { maxTokens: 8000 },
      { thinking: { type: "enabled", budget_tokens: 2048 } },
      8000,
    ],
    // Without a client limit, maxTokens is raised above the budget, as Claude requires.
    [
      "us.anthropic.claude-sonnet-4-20250514-v1:0",
      {},
      { thinking: { type: "enabled", budget_tokens: 2048 } },
      6144,
    ],
    // A limit below the budget cuts the budget to fit.
    [
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      { maxTokens: 1500 },
      { thinking: { type: "enabled", budget_tokens: 1499 } },
      1500,
    ],
    [
      "amazon.nova-2-lite-v1:0",
      {},
      { reasoningConfig: { type: "enabled", maxReasoningEffort: "low" } },
      undefined,
    ],
    ["openai.gpt-oss-120b-1:0", {}, { reasoning_effort: "low" }, undefined],
  ])("asks %s for 2048 thinking tokens in its own shape", (model, limits, fields, maxTokens) => {
    const body = encodeConverseRequest({ ...base, ...limits, reasoning: { budgetTokens: 2048 } }, model);
    expect(body.additionalModelRequestFields).toEqual(fields);
    expect((body.inferenceConfig as { maxTokens?: number } | undefined)?.maxTokens).toBe(maxTokens);
  });

  it("drops reasoning for a family with no reasoning parameter (a hint, never refused)", () => {
    const body = encodeConverseRequest(
      { ...base, reasoning: { effort: "high" } },
      "meta.llama3-70b-instruct-v1:0",
    );
    expect(body).not.toHaveProperty("additionalModelRequestFields");
  });

  it("does not think on the turn that answers tool calls made without Bedrock's thinking", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: null,
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: "{}" }],
        reasoning: [{ text: "Gemini's thought", origin: "gemini" }],
      },
      { role: "tool", toolCallId: "call_1", content: "Sunny" },
    ];
    const body = encodeConverseRequest(
      { ...base, messages, reasoning: { budgetTokens: 2048 } },
      "anthropic.claude-sonnet-4-20250514-v1:0",
    );
    expect(body).not.toHaveProperty("additionalModelRequestFields");
    // The other provider's reasoning is left out of the history.
    expect(JSON.stringify(body.messages)).not.toContain("Gemini's thought");
  });
});

describe("reasoning in answers and history", () => {
  it("decodes reasoningText with its signature and redactedContent, and sends both back first in their turn", () => {
    const response = decodeConverseResponse(
      {
        output: {
          message: {
            role: "assistant",
            content: [
              { reasoningContent: { reasoningText: { text: "Hmm.", signature: "c2ln" } } },
              { reasoningContent: { redactedContent: "ZW5j" } },
              { text: "Hello" },
            ],
          },
        },
        stopReason: "end_turn",
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      },
      "anthropic.claude-sonnet-4-20250514-v1:0",
    );
    const message = response.choices[0]?.message;
    expect(message?.reasoning).toEqual([
      { text: "Hmm.", signature: "c2ln", origin: "bedrock" },
      { text: "", signature: "redacted:ZW5j", origin: "bedrock" },
    ]);
    const body = encodeConverseRequest({
      ...base,
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: message?.content ?? null, reasoning: message?.reasoning ?? [] },
        { role: "user", content: "More" },
      ],
    });
    expect((body.messages as unknown[])[1]).toEqual({
      role: "assistant",
      content: [
        { reasoningContent: { reasoningText: { text: "Hmm.", signature: "c2ln" } } },
        { reasoningContent: { redactedContent: "ZW5j" } },
        { text: "Hello" },
      ],
    });
  });

  it("replaces a tool-use id Bedrock's pattern refuses, the same for the call and its result", () => {
    const id = "call_r1_0__thought__c2ln+/x=";
    const body = encodeConverseRequest({
      ...base,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: null, toolCalls: [{ id, name: "get_weather", arguments: "{}" }] },
        { role: "tool", toolCallId: id, content: "Sunny" },
      ],
    });
    const sent = body.messages as { content: Record<string, { toolUseId: string }>[] }[];
    const useId = sent[1]?.content[0]?.toolUse?.toolUseId;
    expect(useId).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(sent[2]?.content[0]?.toolResult?.toolUseId).toBe(useId);
  });
});

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(type: string, payload: object): Uint8Array {
  return codec.encode({
    headers: {
      ":message-type": { type: "string", value: "event" },
      ":event-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: fromUtf8(JSON.stringify({ ...payload, p: "abcd" })),
  });
}

describe("reasoning in ConverseStream", () => {
  it("streams reasoningContent deltas as reasoning blocks with their signature or redacted content", () => {
    const decoder = createConverseStreamDecoder("anthropic.claude-sonnet-4-20250514-v1:0");
    const events: StreamEvent[] = [];
    for (const message of [
      frame("messageStart", { role: "assistant" }),
      frame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "Hmm" } } }),
      frame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "." } } }),
      frame("contentBlockDelta", {
        contentBlockIndex: 0,
        delta: { reasoningContent: { signature: "c2ln" } },
      }),
      frame("contentBlockStop", { contentBlockIndex: 0 }),
      frame("contentBlockDelta", {
        contentBlockIndex: 1,
        delta: { reasoningContent: { redactedContent: "ZW5j" } },
      }),
      frame("contentBlockStop", { contentBlockIndex: 1 }),
      frame("contentBlockDelta", { contentBlockIndex: 2, delta: { text: "Hi" } }),
      frame("contentBlockStop", { contentBlockIndex: 2 }),
      frame("messageStop", { stopReason: "end_turn" }),
    ])
      events.push(...decoder.push(message));
    const reasoning = { kind: "reasoning", origin: "bedrock" } as const;
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: reasoning },
      { type: "reasoning_delta", choice: 0, index: 0, text: "Hmm" },
      { type: "reasoning_delta", choice: 0, index: 0, text: "." },
      { type: "reasoning_signature", choice: 0, index: 0, signature: "c2ln" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: reasoning },
      { type: "reasoning_signature", choice: 0, index: 1, signature: "redacted:ZW5j" },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "block_start", choice: 0, index: 2, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 2, text: "Hi" },
      { type: "block_stop", choice: 0, index: 2 },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });
});
