import { describe, expect, it } from "vitest";
import {
  openAIChatChunks,
  openAICompletionChunks,
  openAIEmbeddings,
  sseFrame,
} from "../mock-upstream/index.js";
import { responseViolations } from "./openai-spec-checks.js";

// The checks are the oracle of the whole suite, so first make sure they say no when they should.

const chunks = openAIChatChunks({ text: "Hello there" }).map((chunk) => sseFrame(chunk));
const done = sseFrame("[DONE]");
const error = sseFrame({ error: { message: "Overloaded", type: "server_error", param: null, code: null } });

function chatStream(text: string): string[] {
  return responseViolations("chat", { status: 200, contentType: "text/event-stream", text });
}

describe("responseViolations for chat streams", () => {
  it.each<[string, string, string[]]>([
    ["a clean stream ending with [DONE]", [...chunks, done].join(""), []],
    ["a broken stream ending with an error frame", [...chunks.slice(0, 2), error].join(""), []],
    ["a clean stream with CRLF line ends", [...chunks, done].join("").replaceAll("\n", "\r\n"), []],
    [
      "[DONE] after an error frame",
      [...chunks, error, done].join(""),
      ["the error frame 4 is not the last frame"],
    ],
    [
      "chunks after [DONE]",
      [chunks[0], done, chunks[1]].join(""),
      ["[DONE] at frame 1 is not the last frame"],
    ],
    ["a stream without an end", chunks.join(""), ["the stream ends with neither [DONE] nor an error frame"]],
    ["a frame cut in half", [...chunks, done.slice(0, 8)].join(""), ["does not end at a frame boundary"]],
    ["a frame that is not JSON", [chunks[0], "data: {nope\n\n", done].join(""), ["frame 1 is not JSON"]],
    [
      "a chunk that breaks the spec",
      [sseFrame({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [] }), done].join(""),
      ["CreateChatCompletionStreamResponse /object"],
    ],
    [
      "an error frame that breaks the spec",
      [chunks[0], sseFrame({ error: { message: "x" } })].join(""),
      ["'type'"],
    ],
  ])("%s", (_name, text, expected) => {
    const violations = chatStream(text);
    if (expected.length === 0) expect(violations).toEqual([]);
    for (const fragment of expected) expect(violations.join("\n")).toContain(fragment);
  });
});

describe("responseViolations for other answers", () => {
  it("accepts completion chunks with finish_reason null, but no other break of the schema", () => {
    const frames = openAICompletionChunks({ text: "a b" }).map((chunk) => sseFrame(chunk));
    const stream = (parts: string[]) =>
      responseViolations("completions", {
        status: 200,
        contentType: "text/event-stream",
        text: parts.join(""),
      });
    expect(stream([...frames, done])).toEqual([]);
    const broken = sseFrame({
      ...openAICompletionChunks({ text: "a" })[0],
      choices: [{ index: 0, text: 1 }],
    });
    expect(stream([broken, done]).join("\n")).toContain("/choices/0");
  });

  it("checks base64 embeddings as the floats they stand for, and rejects a partial float", () => {
    const body = openAIEmbeddings(["x y"], "m", "base64");
    const check = (value: unknown) =>
      responseViolations("embeddings", {
        status: 200,
        contentType: "application/json",
        text: JSON.stringify(value),
      });
    expect(check(body)).toEqual([]);
    expect(check({ ...body, data: [{ ...body.data[0], embedding: "AAA=" }] }).join("\n")).toContain(
      "/embedding",
    );
  });

  it("checks error statuses against ErrorResponse and refuses a non-JSON body", () => {
    expect(
      responseViolations("chat", { status: 404, contentType: "application/json", text: '{"detail":"x"}' }),
    ).toEqual(["ErrorResponse /: must have required property 'error'"]);
    expect(responseViolations("chat", { status: 502, contentType: "text/html", text: "<html>" })).toEqual([
      "content type 'text/html', not JSON",
    ]);
  });
});
