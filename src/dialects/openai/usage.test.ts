import { describe, expect, it } from "vitest";
import { decodeUsage } from "./usage.js";

describe("decodeUsage (OpenAI CompletionUsage)", () => {
  it("reads the audio and image parts of the prompt, the audio of the answer, and the answer's service tier", () => {
    const usage = decodeUsage(
      {
        prompt_tokens: 900,
        completion_tokens: 400,
        total_tokens: 1300,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 600, image_tokens: 85 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 350 },
      },
      null,
      "priority",
    );
    expect(usage).toEqual({
      inputTokens: 900,
      outputTokens: 400,
      totalTokens: 1300,
      cacheReadTokens: 0,
      reasoningTokens: 0,
      audioInputTokens: 600,
      imageTokens: 85,
      audioOutputTokens: 350,
      serviceTier: "priority",
    });
  });

  it("leaves the audio, image and tier details absent when the answer does not report them", () => {
    const usage = decodeUsage({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 }, null, null);
    expect(usage).toEqual({ inputTokens: 2, outputTokens: 3, totalTokens: 5 });
  });
});
