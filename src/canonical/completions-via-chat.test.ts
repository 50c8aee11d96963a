import { describe, expect, it } from "vitest";
import { chatRequestFromCompletions } from "./completions-via-chat.js";

describe("chatRequestFromCompletions", () => {
  it("sends the prompt as one user message, keeping other extras", () => {
    expect(chatRequestFromCompletions({ prompt: "Once", maxTokens: 5, extra: { user: "u" } }, "X")).toEqual({
      maxTokens: 5,
      extra: { user: "u" },
      messages: [{ role: "user", content: "Once" }],
    });
  });

  it.each([
    ["echo", true],
    ["suffix", " end"],
    ["best_of", 3],
    ["logprobs", 2],
  ])("refuses a completions-only %s that asks for something, naming it and the provider", (key, value) => {
    expect(() => chatRequestFromCompletions({ prompt: "Once", extra: { [key]: value } }, "Groq")).toThrow(
      expect.objectContaining({
        code: "parameter_unsupported",
        param: key,
        message: expect.stringContaining("Groq has no text-completions endpoint"),
      }),
    );
  });

  it("removes completions-only parameters left at their neutral defaults", () => {
    const request = chatRequestFromCompletions(
      { prompt: "Once", extra: { echo: false, suffix: null, best_of: 1, logprobs: null } },
      "X",
    );
    expect(request.extra).toEqual({});
  });

  it("refuses to serve several prompts as one (routing sends one request per prompt)", () => {
    expect(() => chatRequestFromCompletions({ prompt: ["a", "b"], extra: {} }, "X")).toThrow(
      expect.objectContaining({ code: "internal_error" }),
    );
  });
});
