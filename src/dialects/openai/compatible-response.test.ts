import { describe, expect, it } from "vitest";
import { createResponseRewriter } from "./compatible-response.js";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({
    id: "c",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

describe("createResponseRewriter", () => {
  it("makes no rewriter for a provider whose answers are OpenAI's (relayed byte for byte)", () => {
    expect(createResponseRewriter(undefined)).toBeUndefined();
    expect(createResponseRewriter({})).toBeUndefined();
  });

  const rewrite = createResponseRewriter({
    finishReasons: { eos: "stop", model_length: "length" },
    reasoningField: "reasoning",
    contentParts: true,
  });

  it("leaves an answer that shows none of the differences alone (no parse, no copy)", () => {
    expect(rewrite?.(chunk({ content: "plain" }))).toBeUndefined();
    expect(rewrite?.(chunk({}, "stop"))).toBeUndefined();
  });

  it.each([
    [
      "maps the provider's finish reasons to OpenAI's",
      chunk({}, "eos"),
      { delta: {}, finish_reason: "stop" },
    ],
    ["maps model_length to length", chunk({}, "model_length"), { delta: {}, finish_reason: "length" }],
    [
      "renames `reasoning` to the `reasoning_content` OpenAI clients read",
      chunk({ reasoning: "Hmm." }),
      { delta: { reasoning_content: "Hmm." }, finish_reason: null },
    ],
    [
      "flattens Mistral's thinking chunks into reasoning_content and text content",
      chunk({
        content: [
          { type: "thinking", thinking: [{ type: "text", text: "Hmm." }] },
          { type: "text", text: "Yes." },
        ],
      }),
      { delta: { content: "Yes.", reasoning_content: "Hmm." }, finish_reason: null },
    ],
    [
      "flattens Databricks' reasoning parts",
      chunk({
        content: [
          { type: "reasoning", summary: [{ type: "summary_text", text: "Hmm." }] },
          { type: "text", text: "Yes." },
        ],
      }),
      { delta: { content: "Yes.", reasoning_content: "Hmm." }, finish_reason: null },
    ],
  ])("%s", (_name, text, choice) => {
    const rewritten = JSON.parse(rewrite?.(text) ?? "null") as { choices: unknown[] };
    expect(rewritten.choices).toEqual([{ index: 0, ...choice }]);
  });

  it("rewrites a whole answer's message as it rewrites a stream delta", () => {
    const answer = JSON.stringify({
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Yes.", reasoning: "Hmm." },
          finish_reason: "eos",
        },
      ],
    });
    expect(JSON.parse(rewrite?.(answer) ?? "null")).toEqual({
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Yes.", reasoning_content: "Hmm." },
          finish_reason: "stop",
        },
      ],
    });
  });
});
