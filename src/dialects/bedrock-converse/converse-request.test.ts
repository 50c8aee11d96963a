import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../canonical/index.js";
import { encodeConverseRequest } from "./converse-request.js";
import { decodeConverseResponse } from "./converse-response.js";

const base: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };
const SCHEMA = { type: "object", properties: { city: { type: "string" } } };

describe("encodeConverseRequest", () => {
  it("puts system messages in `system`, sampling in inferenceConfig (temperature halved), extras by kind", () => {
    const body = encodeConverseRequest({
      ...base,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      temperature: 1,
      maxTokens: 100,
      topP: 0.5,
      stop: ["END"],
      seed: 3,
      extra: { top_k: 5, guardrailConfig: { guardrailIdentifier: "g", guardrailVersion: "1" } },
    });
    expect(body).toEqual({
      messages: [{ role: "user", content: [{ text: "Hi" }] }],
      system: [{ text: "Be brief." }],
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.5, stopSequences: ["END"] },
      guardrailConfig: { guardrailIdentifier: "g", guardrailVersion: "1" },
      additionalModelRequestFields: { top_k: 5 },
    });
  });

  it("sends tools as toolSpecs with the choice, and json_schema output as outputConfig with the schema as a string", () => {
    const body = encodeConverseRequest({
      ...base,
      tools: [{ name: "get_weather", description: "Weather", parameters: SCHEMA, strict: true }],
      toolChoice: "required",
      responseFormat: { type: "json_schema", name: "w", schema: SCHEMA },
    });
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "get_weather",
            description: "Weather",
            inputSchema: { json: SCHEMA },
            strict: true,
          },
        },
      ],
      toolChoice: { any: {} },
    });
    expect(body.outputConfig).toEqual({
      textFormat: {
        type: "json_schema",
        structure: { jsonSchema: { schema: JSON.stringify(SCHEMA), name: "w" } },
      },
    });
  });

  it("answers parallel calls with one user turn of toolResults, and declares tools the history calls", () => {
    const body = encodeConverseRequest({
      ...base,
      messages: [
        { role: "user", content: "Paris and Rome?" },
        {
          role: "assistant",
          content: "Checking.",
          toolCalls: [
            { id: "t1", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "t2", name: "get_weather", arguments: '{"city":"Rome"}' },
          ],
        },
        { role: "tool", toolCallId: "t1", content: '{"temp":21}' },
        { role: "tool", toolCallId: "t2", content: "sunny" },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { text: "Checking." },
          { toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } },
          { toolUse: { toolUseId: "t2", name: "get_weather", input: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        content: [
          { toolResult: { toolUseId: "t1", content: [{ json: { temp: 21 } }] } },
          { toolResult: { toolUseId: "t2", content: [{ text: "sunny" }] } },
          { text: "Thanks" },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object" } } } }],
    });
  });

  it("sends data-URL images as image blocks and refuses image URLs, naming the field", () => {
    const body = encodeConverseRequest({
      ...base,
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpg;base64,AAAA" } }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ image: { format: "jpeg", source: { bytes: "AAAA" } } }] },
    ]);
    expect(() =>
      encodeConverseRequest({
        ...base,
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://x.test/a.png" } }] },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: "invalid_body", param: "messages.0.content.0" }));
  });

  it("refuses json_object output, which Converse has no mode for, naming response_format.type", () => {
    expect(() => encodeConverseRequest({ ...base, responseFormat: { type: "json_object" } })).toThrow(
      expect.objectContaining({
        code: "parameter_unsupported",
        param: "response_format.type",
        message: expect.stringMatching(/'json_object' is not supported; send \{"type": "json_schema"/),
      }),
    );
    expect(encodeConverseRequest({ ...base, responseFormat: { type: "text" } }).outputConfig).toBeUndefined();
  });

  it("refuses more than one candidate with a 422 naming n", () => {
    expect(() => encodeConverseRequest({ ...base, n: 2 })).toThrow(
      expect.objectContaining({ code: "parameter_unsupported", param: "n" }),
    );
  });
});

describe("decodeConverseResponse", () => {
  for (const [stopReason, reason] of [
    ["end_turn", "stop"],
    ["tool_use", "tool_calls"],
    ["max_tokens", "length"],
    ["guardrail_intervened", "content_filter"],
    ["content_filtered", "content_filter"],
    ["malformed_model_output", null],
  ] as const) {
    it(`maps stopReason ${stopReason} to ${reason}`, () => {
      const response = decodeConverseResponse(
        {
          output: { message: { role: "assistant", content: [{ text: "x" }] } },
          stopReason,
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        },
        "m",
        "req-1",
      );
      expect(response.choices[0]?.finishReason).toBe(reason);
      expect(response.id).toBe("req-1");
    });
  }

  it("refuses an answer without output.message, saying what is missing", () => {
    expect(() => decodeConverseResponse({ stopReason: "end_turn" }, "m")).toThrow(/`output` is missing/);
  });
});
