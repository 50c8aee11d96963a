import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../canonical/index.js";
import type { SseFrame } from "../../framing/sse-decoder.js";
import { decodeChatResponse } from "./chat-response.js";
import { createOpenAIChatStreamDecoder } from "./stream-decoder.js";

/** How the OpenAI dialect's decoders read compatible servers' differences, on the translated path. */

const HEAD = { id: "c-1", object: "chat.completion.chunk", created: 1, model: "m" };
const frame = (chunk: unknown): SseFrame => ({ data: JSON.stringify(chunk) });
const delta = (value: Record<string, unknown>, finish: string | null = null): SseFrame =>
  frame({ ...HEAD, choices: [{ index: 0, delta: value, finish_reason: finish }] });

function decode(frames: SseFrame[], options = {}): StreamEvent[] {
  const decoder = createOpenAIChatStreamDecoder(options);
  return [...frames.flatMap((item) => decoder.push(item)), ...decoder.finish()];
}

describe("OpenAI-compatible answers, whole", () => {
  const answer = (message: Record<string, unknown>, finish = "stop") => ({
    id: "c-1",
    model: "m",
    created: 1,
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
  });

  it.each([
    ["`reasoning_content` (DeepSeek)", { content: "Yes.", reasoning_content: "Hmm." }],
    ["`reasoning` (vLLM, Groq, OpenRouter)", { content: "Yes.", reasoning: "Hmm." }],
    [
      "Mistral's thinking chunks",
      {
        content: [
          { type: "thinking", thinking: [{ type: "text", text: "Hmm." }] },
          { type: "text", text: "Yes." },
        ],
      },
    ],
  ])("reads the reasoning apart from the content from %s", (_name, message) => {
    expect(decodeChatResponse(answer(message)).choices[0]?.message).toEqual({
      role: "assistant",
      content: "Yes.",
      reasoning: [{ text: "Hmm." }],
    });
  });

  it("maps a provider's own finish reasons through its declaration, and unknown ones to null", () => {
    const finishReasons = { eos: "stop" as const };
    expect(
      decodeChatResponse(answer({ content: "x" }, "eos"), { finishReasons }).choices[0]?.finishReason,
    ).toBe("stop");
    expect(
      decodeChatResponse(answer({ content: "x" }, "error"), { finishReasons }).choices[0]?.finishReason,
    ).toBeNull();
  });
});

describe("OpenAI-compatible streams", () => {
  it("opens a reasoning block for reasoning deltas, then a text block for the content", () => {
    const events = decode([
      delta({ role: "assistant", content: "" }),
      delta({ reasoning: "Hmm" }),
      delta({ reasoning_content: "." }),
      delta({ content: "Yes." }),
      delta({}, "stop"),
      { data: "[DONE]" },
    ]);
    expect(events.slice(1)).toEqual([
      { type: "block_start", choice: 0, index: 0, block: { kind: "reasoning" } },
      { type: "reasoning_delta", choice: 0, index: 0, text: "Hmm" },
      { type: "reasoning_delta", choice: 0, index: 0, text: "." },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "block_start", choice: 0, index: 1, block: { kind: "text" } },
      { type: "text_delta", choice: 0, index: 1, text: "Yes." },
      { type: "block_stop", choice: 0, index: 1 },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });

  it("reads Groq's usage from x_groq on the last chunk", () => {
    const usage = { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 };
    const events = decode([
      delta({ content: "Hi" }),
      frame({
        ...HEAD,
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        x_groq: { id: "r", usage },
      }),
      { data: "[DONE]" },
    ]);
    expect(events.at(-1)).toEqual({
      type: "usage",
      usage: { inputTokens: 2, outputTokens: 3, totalTokens: 5 },
    });
  });

  it('does not take an empty finish_reason ("", old Ollama) for the end of the choice', () => {
    const events = decode([
      delta({ content: "a" }, ""),
      delta({ content: "b" }, ""),
      delta({}, "stop"),
      { data: "[DONE]" },
    ]);
    expect(
      events
        .filter((event) => event.type === "text_delta")
        .map((event) => event.type === "text_delta" && event.text),
    ).toEqual(["a", "b"]);
  });

  it("ends with the upstream's in-band error, its code kept and the provider named", () => {
    const events = decode(
      [
        delta({ content: "a" }),
        frame({ error: { code: 502, message: "Provider returned error", metadata: {} } }),
      ],
      { provider: "OpenRouter" },
    );
    const last = events.at(-1);
    expect(last?.type).toBe("error");
    expect(last?.type === "error" && last.error).toMatchObject({
      message: "Provider returned error",
      upstream: { provider: "OpenRouter", code: "502" },
    });
  });
});
