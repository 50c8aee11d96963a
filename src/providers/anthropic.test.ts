import { describe, expect, it } from "vitest";
import type { ChatRequest, CompletionsRequest } from "../canonical/index.js";
import { anthropicProvider } from "./anthropic.js";
import { findProvider } from "./registry.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";

const MODEL = "claude-3-5-sonnet-20241022";

function target(config: Record<string, unknown>): HttpUpstreamTarget {
  const created = anthropicProvider.createTarget(MODEL, anthropicProvider.configSchema.parse(config));
  if (created.transport !== "http") throw new Error("expected an HTTP target");
  return created;
}

const CHAT: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };
const COMPLETIONS: CompletionsRequest = { prompt: "Once upon a time", maxTokens: 20, extra: {} };

const MESSAGE = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: MODEL,
  content: [{ type: "text", text: "there was a gateway." }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 6 },
};

describe("anthropic provider", () => {
  it("is registered under its name and serves chat and completions but not embeddings", () => {
    expect(findProvider("Anthropic")).toBe(anthropicProvider);
    expect(anthropicProvider.operations).toEqual(["chat", "completions"]);
    expect(anthropicProvider.secretFields).toEqual(["anthropic_api_key"]);
  });

  it("fills in the default base URL, API version and max_tokens", () => {
    expect(anthropicProvider.configSchema.parse({ anthropic_api_key: "sk-ant-test" })).toEqual({
      anthropic_api_key: "sk-ant-test",
      anthropic_api_base: "https://api.anthropic.com/v1",
      anthropic_version: "2023-06-01",
      default_max_tokens: 4096,
    });
  });

  it.each([
    ["a missing API key", {}],
    ["an unknown key", { anthropic_api_key: "sk-ant-test", anthropic_api_type: "claude" }],
    [
      "a base URL that is not http(s)",
      { anthropic_api_key: "sk-ant-test", anthropic_api_base: "ftp://example.com" },
    ],
    ["a default_max_tokens below 1", { anthropic_api_key: "sk-ant-test", default_max_tokens: 0 }],
    ["a fractional default_max_tokens", { anthropic_api_key: "sk-ant-test", default_max_tokens: 10.5 }],
  ])("rejects a config with %s", (_, config) => {
    expect(anthropicProvider.configSchema.safeParse(config).success).toBe(false);
  });

  it("posts chat requests to /v1/messages with the key and version headers", () => {
    const call = target({ anthropic_api_key: "sk-ant-test" }).operations.chat?.encodeRequest(CHAT);
    expect(target({ anthropic_api_key: "sk-ant-test" }).origin).toBe("https://api.anthropic.com");
    expect(call?.path).toBe("/v1/messages");
    expect(call?.headers).toEqual({
      "x-api-key": "sk-ant-test",
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
    });
    expect(JSON.parse(call?.body ?? "")).toEqual({ model: MODEL, messages: CHAT.messages, max_tokens: 4096 });
  });

  it("uses a configured base URL, version and default max_tokens", () => {
    const configured = target({
      anthropic_api_key: "sk-ant-test",
      anthropic_api_base: "https://gateway.example.com:8443/anthropic/v1/",
      anthropic_version: "2023-01-01",
      default_max_tokens: 1024,
    });
    const call = configured.operations.chat?.encodeRequest(CHAT);
    expect(configured.origin).toBe("https://gateway.example.com:8443");
    expect(call?.path).toBe("/anthropic/v1/messages");
    expect(call?.headers["anthropic-version"]).toBe("2023-01-01");
    expect(JSON.parse(call?.body ?? "")).toMatchObject({ max_tokens: 1024 });
  });

  it("serves completions through the Messages API with the prompt as one user message", () => {
    const completions = target({ anthropic_api_key: "sk-ant-test" }).operations.completions;
    const call = completions?.encodeRequest(COMPLETIONS);
    expect(call?.path).toBe("/v1/messages");
    expect(JSON.parse(call?.body ?? "")).toEqual({
      model: MODEL,
      messages: [{ role: "user", content: "Once upon a time" }],
      max_tokens: 20,
    });
    expect(completions?.decodeResponse(MESSAGE, COMPLETIONS)).toMatchObject({
      id: "msg_01",
      choices: [{ index: 0, text: "there was a gateway.", finishReason: "stop" }],
      usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18 },
    });
  });

  it("decodes chat responses and error bodies, and creates a fresh stream decoder per stream", () => {
    const configured = target({ anthropic_api_key: "sk-ant-test" });
    const chat = configured.operations.chat;
    expect(chat?.decodeResponse(MESSAGE, CHAT).choices[0]?.message.content).toBe("there was a gateway.");
    expect(
      configured.decodeErrorMessage({ type: "error", error: { type: "api_error", message: "Boom" } }),
    ).toBe("Boom");
    const first = chat?.createStreamDecoder?.();
    expect(first).toBeDefined();
    expect(first).not.toBe(chat?.createStreamDecoder?.());
    expect(configured.operations.completions?.createStreamDecoder).toBeDefined();
    expect(configured.operations.embeddings).toBeUndefined();
  });
});
