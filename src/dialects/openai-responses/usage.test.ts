import { describe, expect, it } from "vitest";
import { decodeResponsesUsage } from "./usage.js";

describe("decodeResponsesUsage", () => {
  it("reads audio and image counts where the details carry them, and the response's service tier", () => {
    const usage = decodeResponsesUsage(
      {
        input_tokens: 700,
        input_tokens_details: {
          cached_tokens: 100,
          cache_write_tokens: 0,
          audio_tokens: 200,
          image_tokens: 65,
        },
        output_tokens: 90,
        output_tokens_details: { reasoning_tokens: 10, audio_tokens: 40 },
        total_tokens: 790,
      },
      "flex",
    );
    expect(usage).toEqual({
      inputTokens: 700,
      outputTokens: 90,
      totalTokens: 790,
      cacheReadTokens: 100,
      cacheWriteTokens: 0,
      reasoningTokens: 10,
      audioInputTokens: 200,
      imageTokens: 65,
      audioOutputTokens: 40,
      serviceTier: "flex",
    });
  });

  it("has no audio, image or tier details where the spec's usage has none", () => {
    const usage = decodeResponsesUsage({
      input_tokens: 3,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 5,
    });
    expect(usage).toEqual({
      inputTokens: 3,
      outputTokens: 2,
      totalTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});
