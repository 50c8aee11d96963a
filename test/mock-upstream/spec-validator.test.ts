import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../spec-validator.js";
import { anthropicError, anthropicMessage, anthropicStreamEvents } from "./anthropic-bodies.js";
import { cohereChatResponse, cohereEmbedResponse, cohereError, cohereStreamEvents } from "./cohere-bodies.js";
import type { MockChatInput } from "./echo-rules.js";
import {
  openAIChatChunks,
  openAIChatCompletion,
  openAICompletion,
  openAIEmbeddings,
  openAIError,
  openAIModelList,
} from "./openai-bodies.js";

// The validator is the oracle of every mock test, so first make sure it says no when it should.
describe("createSpecValidator", () => {
  it("returns the same cached validator per provider", () => {
    expect(createSpecValidator("openai")).toBe(createSpecValidator("openai"));
  });

  it("names the JSON path and the allowed values of a wrong enum", () => {
    const errors = createSpecValidator("openai").validate("CreateChatCompletionResponse", {
      ...openAIChatCompletion(),
      choices: [{ ...openAIChatCompletion().choices[0], finish_reason: "done" }],
    });
    expect(errors).toContain(
      "CreateChatCompletionResponse /choices/0/finish_reason: must be equal to one of the allowed values (allowed: stop, length, tool_calls, content_filter, function_call)",
    );
  });

  it.each([
    [
      "openai",
      "ErrorResponse",
      { error: { message: "x", type: "y" } },
      "must have required property 'param'",
    ],
    ["anthropic", "Message", { ...anthropicMessage(), stop_sequence: undefined }, "stop_sequence"],
    ["anthropic", "CreateMessageParams", { model: "c", max_tokens: 1, messages: [], foo: 1 }, "(foo)"],
    ["cohere", "V2ChatStreamEvent", { type: "content-delta", index: "0" }, "/index: must be integer"],
    ["cohere", "V2ChatStreamEvent", { type: "nonsense" }, "/type"],
    ["cohere", "V2EmbedResponse", { id: "x" }, "embeddings"],
  ] as const)("%s %s rejects an invalid value", (provider, schema, value, expected) => {
    expect(createSpecValidator(provider).validate(schema, value).join("\n")).toContain(expected);
  });

  it("accepts an embed response without a top-level api_version (the vendored fix)", () => {
    expect(createSpecValidator("cohere").validate("V2EmbedResponse", cohereEmbedResponse(["a"]))).toEqual([]);
  });

  it.each([
    [{ type: "text" }, []],
    [{ type: "json_object" }, []],
    [{ type: "json_object", json_schema: { type: "object" } }, []],
    [
      { type: "yaml" },
      [
        "V2ChatRequest /response_format/type: must be equal to one of the allowed values (allowed: text, json_object)",
      ],
    ],
  ])("checks a chat request's response_format %j by its type (the vendored fix)", (format, expected) => {
    const request = { model: "m", messages: [{ role: "user", content: "x" }], response_format: format };
    expect(createSpecValidator("cohere").validate("V2ChatRequest", request)).toEqual(expected);
  });

  it("throws on an unknown schema name instead of passing everything", () => {
    expect(() => createSpecValidator("openai").validate("NoSuchSchema", {})).toThrow(
      /no schema named NoSuchSchema/,
    );
  });
});

const CHATS: [string, MockChatInput][] = [
  ["default text", {}],
  ["empty text", { text: "" }],
  ["a tool call", { toolCall: { name: "get_weather" } }],
  [
    "text and a tool call",
    { text: "Let me check.", toolCall: { id: "t1", name: "lookup", argumentsJson: '{"q":1}' } },
  ],
];

describe.each(CHATS)("the builders, for %s, produce spec-valid bodies", (_, chat) => {
  it("OpenAI", () => {
    const openai = createSpecValidator("openai");
    expect(openai.validate("CreateChatCompletionResponse", openAIChatCompletion({ ...chat, n: 2 }))).toEqual(
      [],
    );
    for (const chunk of openAIChatChunks({ ...chat, n: 2, includeUsage: true })) {
      expect(openai.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    }
  });

  it("Anthropic", () => {
    const anthropic = createSpecValidator("anthropic");
    expect(anthropic.validate("Message", anthropicMessage(chat))).toEqual([]);
    for (const { data } of anthropicStreamEvents(chat)) {
      if (data.type !== "ping") expect(anthropic.validate("MessageStreamEvent", data)).toEqual([]);
    }
  });

  it("Cohere", () => {
    const cohere = createSpecValidator("cohere");
    expect(cohere.validate("V2ChatResponse", cohereChatResponse(chat))).toEqual([]);
    for (const { data } of cohereStreamEvents(chat))
      expect(cohere.validate("V2ChatStreamEvent", data)).toEqual([]);
  });
});

describe("the other builders produce spec-valid bodies", () => {
  it.each([
    ["openai", "CreateCompletionResponse", openAICompletion({ n: 2 })],
    ["openai", "CreateEmbeddingResponse", openAIEmbeddings(["a", "b c"])],
    ["openai", "ListModelsResponse", openAIModelList()],
    ["openai", "ErrorResponse", openAIError("boom", "server_error", "x")],
    ["anthropic", "ErrorResponse", anthropicError("overloaded_error", "Overloaded")],
    [
      "cohere",
      "V2EmbedResponse",
      cohereEmbedResponse(["a"], ["float", "int8", "uint8", "binary", "ubinary", "base64"]),
    ],
    ["cohere", "ErrorResponse", cohereError("boom")],
  ] as const)("%s %s", (provider, schema, body) => {
    expect(createSpecValidator(provider).validate(schema, body)).toEqual([]);
  });
});
