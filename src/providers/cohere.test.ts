import { describe, expect, it } from "vitest";
import type { ChatRequest, CompletionsRequest, EmbeddingsRequest } from "../canonical/index.js";
import { cohereProvider } from "./cohere.js";
import { findProvider } from "./registry.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";

const MODEL = "command-a-03-2025";
const KEY = "co-test-key";

function target(config: Record<string, unknown> = {}, model = MODEL): HttpUpstreamTarget {
  const created = cohereProvider.createTarget(
    model,
    cohereProvider.configSchema.parse({ cohere_api_key: KEY, ...config }),
  );
  if (created.transport !== "http") throw new Error("expected an HTTP target");
  return created;
}

const CHAT: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };
const COMPLETIONS: CompletionsRequest = { prompt: "Once upon a time", maxTokens: 20, extra: {} };
const EMBEDDINGS: EmbeddingsRequest = { input: ["hello"], singleInput: true, extra: {} };

const CHAT_RESPONSE = {
  id: "c14c80c3",
  message: { role: "assistant", content: [{ type: "text", text: "there was a gateway." }] },
  finish_reason: "COMPLETE",
  usage: { tokens: { input_tokens: 12, output_tokens: 6 } },
};

describe("cohere provider", () => {
  it("is registered under its name and serves chat, completions and embeddings", () => {
    expect(findProvider("Cohere")).toBe(cohereProvider);
    expect(cohereProvider.displayName).toBe("Cohere");
    expect(cohereProvider.operations).toEqual(["chat", "completions", "embeddings"]);
    expect(cohereProvider.secretFields).toEqual(["cohere_api_key"]);
  });

  it("fills in the default base URL and embedding input type", () => {
    expect(cohereProvider.configSchema.parse({ cohere_api_key: KEY })).toEqual({
      cohere_api_key: KEY,
      cohere_api_base: "https://api.cohere.com",
      embedding_input_type: "search_document",
    });
  });

  it.each([
    ["a missing API key", {}],
    ["an empty API key", { cohere_api_key: "" }],
    ["an unknown key", { cohere_api_key: KEY, cohere_api_version: "2" }],
    ["a base URL that is not http(s)", { cohere_api_key: KEY, cohere_api_base: "ftp://example.com" }],
    ["an unknown embedding input type", { cohere_api_key: KEY, embedding_input_type: "search" }],
  ])("rejects a config with %s", (_, config) => {
    expect(cohereProvider.configSchema.safeParse(config).success).toBe(false);
  });

  it("posts chat requests to /v2/chat with a bearer key and JSON headers", () => {
    const chatTarget = target();
    const call = chatTarget.operations.chat?.encodeRequest(CHAT);
    expect(chatTarget.origin).toBe("https://api.cohere.com");
    expect(call?.path).toBe("/v2/chat");
    expect(call?.headers).toEqual({
      authorization: `Bearer ${KEY}`,
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(JSON.parse(call?.body ?? "")).toEqual({ model: MODEL, messages: CHAT.messages });
  });

  it("asks for an event stream when the request streams", () => {
    const call = target().operations.chat?.encodeRequest({ ...CHAT, stream: true });
    expect(call?.headers.accept).toBe("text/event-stream");
    expect(JSON.parse(call?.body ?? "")).toMatchObject({ stream: true });
  });

  it("joins the endpoint paths to a configured base URL with a path", () => {
    const configured = target({ cohere_api_base: "https://proxy.example.com:8443/cohere/" });
    expect(configured.origin).toBe("https://proxy.example.com:8443");
    expect(configured.operations.chat?.encodeRequest(CHAT).path).toBe("/cohere/v2/chat");
    expect(configured.operations.embeddings?.encodeRequest(EMBEDDINGS).path).toBe("/cohere/v2/embed");
  });

  it("decodes chat responses with the configured model", () => {
    const response = target().operations.chat?.decodeResponse(CHAT_RESPONSE, CHAT);
    expect(response?.model).toBe(MODEL);
    expect(response?.choices[0]?.message.content).toBe("there was a gateway.");
    expect(response?.usage).toEqual({ inputTokens: 12, outputTokens: 6, totalTokens: 18 });
  });

  it("serves completions through v2 chat, with the prompt as one user message", () => {
    const completions = target().operations.completions;
    const call = completions?.encodeRequest(COMPLETIONS);
    expect(call?.path).toBe("/v2/chat");
    expect(JSON.parse(call?.body ?? "")).toEqual({
      model: MODEL,
      messages: [{ role: "user", content: "Once upon a time" }],
      max_tokens: 20,
    });
    const response = completions?.decodeResponse(CHAT_RESPONSE, COMPLETIONS);
    expect(response?.choices).toEqual([{ index: 0, text: "there was a gateway.", finishReason: "stop" }]);
  });

  it("posts embeddings to /v2/embed with the configured input type", () => {
    const call = target(
      { embedding_input_type: "classification" },
      "embed-v4.0",
    ).operations.embeddings?.encodeRequest(EMBEDDINGS);
    expect(call?.path).toBe("/v2/embed");
    expect(JSON.parse(call?.body ?? "")).toEqual({
      model: "embed-v4.0",
      texts: ["hello"],
      input_type: "classification",
      embedding_types: ["float"],
    });
  });

  it("creates a fresh stream decoder per stream for chat and completions, and none for embeddings", () => {
    const operations = target().operations;
    const decoder = operations.chat?.createStreamDecoder?.();
    expect(decoder).toBeDefined();
    expect(operations.chat?.createStreamDecoder?.()).not.toBe(decoder);
    expect(operations.completions?.createStreamDecoder).toBeDefined();
    expect(operations.embeddings?.createStreamDecoder).toBeUndefined();
    const events = decoder?.push({ event: "message-start", data: '{"type":"message-start","id":"m1"}' });
    expect(events?.[0]).toMatchObject({ type: "message_start", id: "m1", model: MODEL });
  });

  it("reads Cohere error messages", () => {
    expect(target().decodeErrorMessage({ id: "e1", message: "invalid api token" })).toBe("invalid api token");
  });
});
