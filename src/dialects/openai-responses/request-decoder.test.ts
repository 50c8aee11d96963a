import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { decodeResponsesRequest, parseResponsesRequest } from "./request-decoder.js";

const spec = createSpecValidator("openai");

function decode(body: Record<string, unknown>) {
  const full = { model: "route", ...body };
  expect(spec.validate("CreateResponse", full)).toEqual([]);
  return decodeResponsesRequest(parseResponsesRequest(full));
}

describe("decodeResponsesRequest", () => {
  it("makes instructions a system message before a string input, and maps the settings", () => {
    const { request, untranslatable } = decode({
      instructions: "Be terse.",
      input: "Hi",
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.5,
      stream: true,
      parallel_tool_calls: false,
      reasoning: { effort: "high", summary: "auto" },
      text: { format: { type: "json_schema", name: "a", schema: { type: "object" }, strict: true } },
    });
    expect(untranslatable).toEqual([]);
    expect(request).toEqual({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Hi" },
      ],
      extra: {},
      maxTokens: 300,
      temperature: 0.2,
      topP: 0.5,
      stream: true,
      streamIncludeUsage: true,
      parallelToolCalls: false,
      reasoning: { effort: "high", summary: "auto" },
      responseFormat: { type: "json_schema", name: "a", schema: { type: "object" }, strict: true },
    });
  });

  it("gathers an assistant turn's reasoning, message and calls into one message, and outputs into tool messages", () => {
    const { request } = decode({
      input: [
        { role: "developer", content: [{ type: "input_text", text: "Rules" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Weather?" }] },
        {
          type: "reasoning",
          id: "rs_1",
          summary: [{ type: "summary_text", text: "Look it up." }],
          encrypted_content: "switchyard:v1:anthropic:sig-1",
        },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "Sunny" },
        {
          type: "message",
          id: "msg_1",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: "It is sunny.", annotations: [], logprobs: [] }],
        },
        {
          role: "user",
          content: [{ type: "input_image", image_url: "https://example.com/a.png", detail: "high" }],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: "developer", content: [{ type: "text", text: "Rules" }] },
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: null,
        reasoning: [{ text: "Look it up.", origin: "anthropic", signature: "sig-1" }],
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
      },
      { role: "tool", toolCallId: "call_1", content: "Sunny" },
      { role: "assistant", content: "It is sunny." },
      {
        role: "user",
        content: [{ type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } }],
      },
    ]);
  });

  it("reads OpenAI's own encrypted reasoning as OpenAI's", () => {
    const { request } = decode({
      input: [
        { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAAAB" },
        { role: "user", content: "Next" },
      ],
    });
    expect(request.messages[0]?.reasoning).toEqual([{ text: "", origin: "openai", signature: "gAAAAB" }]);
  });

  it("lists built-in tools, their items and OpenAI-side state as untranslatable, with their fields", () => {
    const { untranslatable } = decode({
      input: [
        { role: "user", content: "Search" },
        { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "x" } },
      ],
      tools: [{ type: "web_search" }],
      tool_choice: { type: "web_search_preview" },
      background: true,
    });
    expect(untranslatable).toEqual([
      { what: "input items of type 'web_search_call'", param: "input.1" },
      { what: "the built-in 'web_search' tool", param: "tools.0" },
      { what: "a tool_choice of type 'web_search_preview'", param: "tool_choice" },
      { what: "background responses", param: "background" },
    ]);
  });

  it.each([
    [{ input: [{ type: "function_call_output", output: "x" }] }, "input.0.call_id"],
    [{ input: [{ role: "tool", content: "x" }] }, "input.0.role"],
    [{}, "input"],
  ])("refuses %j naming the field", (body, param) => {
    expect(() => decodeResponsesRequest(parseResponsesRequest({ model: "route", ...body }))).toThrow(
      expect.objectContaining({ param }),
    );
  });
});
