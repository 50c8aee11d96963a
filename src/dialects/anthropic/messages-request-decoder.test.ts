import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { decodeMessagesRequest } from "./messages-request-decoder.js";
import {
  type MessagesRequestBody,
  messagesRequestSchema,
  parseAnthropicBody,
} from "./messages-request-schema.js";

const spec = createSpecValidator("anthropic");

/** `checked`: the body is checked against the vendored schema first (which has no server-tool blocks). */
function decode(body: Record<string, unknown>, checked = true) {
  const full = { model: "claude", max_tokens: 1000, ...body };
  if (checked) expect(spec.validate("CreateMessageParams", full)).toEqual([]);
  return decodeMessagesRequest(parseAnthropicBody(messagesRequestSchema, full) as MessagesRequestBody);
}

describe("decodeMessagesRequest", () => {
  it("lifts the system blocks into one system message and scales temperature to the canonical 0..2", () => {
    const { request } = decode({
      system: [
        { type: "text", text: "Be terse.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Use metric units." },
      ],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      stream: true,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(request).toEqual({
      messages: [
        { role: "system", content: "Be terse.\n\nUse metric units." },
        { role: "user", content: "Hi" },
      ],
      extra: {},
      maxTokens: 1000,
      temperature: 1,
      topP: 0.9,
      topK: 40,
      stop: ["END"],
      stream: true,
      streamIncludeUsage: true,
    });
  });

  it("splits a user turn into its tool results first, then the rest, with images as image parts", () => {
    const { request } = decode({
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Check it.", signature: "sig-1" },
            { type: "text", text: "Let me look." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "Sunny" }] },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "text", text: "And this picture?" },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "Let me look.",
        toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
        reasoning: [{ text: "Check it.", signature: "sig-1", origin: "anthropic" }],
      },
      { role: "tool", toolCallId: "toolu_1", content: [{ type: "text", text: "Sunny" }] },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "text", text: "And this picture?" },
        ],
      },
    ]);
  });

  it("reads the gateway's own thinking token back as the provider that made it", () => {
    const { request } = decode({
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: [{ type: "thinking", thinking: "Cohere thought", signature: "switchyard:v1:cohere:" }],
        },
        { role: "user", content: "More" },
      ],
    });
    expect(request.messages[1]?.reasoning).toEqual([{ text: "Cohere thought", origin: "cohere" }]);
  });

  it.each([
    [{ thinking: { type: "enabled", budget_tokens: 2048 } }, { budgetTokens: 2048 }],
    [{ thinking: { type: "adaptive" }, output_config: { effort: "high" } }, { effort: "high" }],
    [{ thinking: { type: "disabled" } }, undefined],
  ])("reads thinking %j as the reasoning request %j", (fields, reasoning) => {
    const { request } = decode({ ...fields, messages: [{ role: "user", content: "Hi" }] });
    expect(request.reasoning).toEqual(reasoning);
  });

  it("maps tool choices, one call per turn, and a structured output", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const { request } = decode({
      tools: [{ name: "now", description: "The time", input_schema: { type: "object", properties: {} } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      output_config: { format: { type: "json_schema", schema } },
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(request).toMatchObject({
      tools: [{ name: "now", description: "The time", parameters: { type: "object", properties: {} } }],
      toolChoice: "required",
      parallelToolCalls: false,
      responseFormat: { type: "json_schema", name: "output", schema },
    });
  });

  it("lists what only Anthropic can honour as untranslatable, with its field", () => {
    const { untranslatable } = decode(
      {
        tools: [{ type: "web_search_20250305", name: "web_search" }],
        messages: [
          { role: "user", content: "Search" },
          {
            role: "assistant",
            content: [
              { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
            ],
          },
          { role: "user", content: "Go on" },
        ],
      },
      false,
    );
    expect(untranslatable).toEqual([
      { what: "server_tool_use blocks", param: "messages.1.content.0" },
      { what: "the web_search_20250305 tool", param: "tools.0" },
    ]);
  });

  it("refuses a body without max_tokens in Anthropic's words, naming the field", () => {
    expect(() => parseAnthropicBody(messagesRequestSchema, { model: "m", messages: [] })).toThrow(
      expect.objectContaining({
        status: 422,
        param: "messages",
        message: expect.stringContaining("max_tokens: Field required"),
      }),
    );
  });
});
