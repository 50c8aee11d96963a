import { describe, expect, it } from "vitest";
import type { CompletionsResponse } from "./completions.js";
import { mergePromptAnswers, splitPrompts } from "./prompt-fan-out.js";

function answer(texts: string[], input: number | null, output: number): CompletionsResponse {
  return {
    id: "cmpl-1",
    model: "m",
    created: 1,
    choices: texts.map((text, index) => ({ index, text, finishReason: "stop" })),
    usage: { inputTokens: input, outputTokens: output, totalTokens: input === null ? null : input + output },
  };
}

describe("prompt fan-out", () => {
  it("splits several prompts into one request each, keeping the rest of the request", () => {
    expect(splitPrompts({ prompt: ["a", "b"], n: 2, extra: { user: "u" } })).toEqual([
      { prompt: "a", n: 2, extra: { user: "u" } },
      { prompt: "b", n: 2, extra: { user: "u" } },
    ]);
  });

  it("numbers merged choices as OpenAI does (prompt p's choice j is p * n + j) and adds up usage", () => {
    const merged = mergePromptAnswers([answer(["a1", "a2"], 2, 4), answer(["b1", "b2"], 3, 4)], 2);
    expect(merged.choices.map((choice) => [choice.index, choice.text])).toEqual([
      [0, "a1"],
      [1, "a2"],
      [2, "b1"],
      [3, "b2"],
    ]);
    expect(merged.usage).toEqual({ inputTokens: 5, outputTokens: 8, totalTokens: 13 });
  });

  it("keeps a count unknown when one answer did not report it, rather than undercount", () => {
    expect(mergePromptAnswers([answer(["a"], null, 1), answer(["b"], 2, 1)], 1).usage).toEqual({
      inputTokens: null,
      outputTokens: 2,
      totalTokens: null,
    });
  });

  it("adds up the usage's breakdown too (cache reads and writes, reasoning, web searches), which prices each bucket", () => {
    const first = answer(["a"], 100, 20);
    first.usage = { ...first.usage, cacheReadTokens: 60, reasoningTokens: 5, serviceTier: "default" };
    const second = answer(["b"], 200, 30);
    second.usage = {
      ...second.usage,
      cacheReadTokens: 40,
      cacheWriteTokens: 10,
      reasoningTokens: 7,
      webSearchRequests: 1,
    };
    expect(mergePromptAnswers([first, second], 1).usage).toEqual({
      inputTokens: 300,
      outputTokens: 50,
      totalTokens: 350,
      cacheReadTokens: 100,
      cacheWriteTokens: 10,
      reasoningTokens: 12,
      webSearchRequests: 1,
      serviceTier: "default",
    });
  });
});
