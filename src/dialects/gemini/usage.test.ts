import { describe, expect, it } from "vitest";
import { decodeUsage } from "./usage.js";

describe("decodeUsage (Gemini usageMetadata)", () => {
  it("reads the audio and image parts of the prompt and the answer from their modality lists", () => {
    const usage = decodeUsage({
      promptTokenCount: 500,
      candidatesTokenCount: 1400,
      totalTokenCount: 1900,
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 12 },
        { modality: "AUDIO", tokenCount: 230 },
        { modality: "IMAGE", tokenCount: 258 },
      ],
      candidatesTokensDetails: [
        { modality: "TEXT", tokenCount: 110 },
        { modality: "IMAGE", tokenCount: 1290 },
      ],
    });
    expect(usage).toEqual({
      inputTokens: 500,
      outputTokens: 1400,
      totalTokens: 1900,
      audioInputTokens: 230,
      // Prompt images and the answer's image, both part of the counts above.
      imageTokens: 258 + 1290,
    });
  });

  it("reports no audio or image part where the lists name none (absent, never 0)", () => {
    const usage = decodeUsage({
      promptTokenCount: 5,
      candidatesTokenCount: 2,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 5 }],
    });
    expect(usage).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
  });

  it("reads an answer's audio as audio output", () => {
    const usage = decodeUsage({
      promptTokenCount: 4,
      candidatesTokenCount: 300,
      candidatesTokensDetails: [{ modality: "AUDIO", tokenCount: 300 }],
    });
    expect(usage.audioOutputTokens).toBe(300);
    expect(usage.audioInputTokens).toBeUndefined();
  });
});
