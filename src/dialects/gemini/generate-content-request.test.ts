import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../canonical/index.js";
import { encodeGenerateContentRequest } from "./generate-content-request.js";

const base: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };
const WEATHER = { type: "object", properties: { city: { type: "string" } }, additionalProperties: false };

interface Case {
  name: string;
  request: Partial<ChatRequest>;
  body: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: "a user message becomes a user content; nothing else is sent",
    request: {},
    body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
  },
  {
    name: "system and developer messages become the system instruction, wherever they are",
    request: {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "developer", content: "Use French." },
      ],
    },
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }, { text: "Use French." }] },
    },
  },
  {
    name: "sampling fields go to generationConfig under Gemini's names (temperature keeps its 0..2 scale)",
    request: { temperature: 1.5, topP: 0.9, maxTokens: 50, stop: ["END"], n: 2, seed: 7 },
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      generationConfig: {
        temperature: 1.5,
        topP: 0.9,
        maxOutputTokens: 50,
        stopSequences: ["END"],
        candidateCount: 2,
        seed: 7,
      },
    },
  },
  {
    name: "json_schema output is responseMimeType with the full JSON Schema",
    request: { responseFormat: { type: "json_schema", name: "w", schema: WEATHER } },
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      generationConfig: { responseMimeType: "application/json", responseJsonSchema: WEATHER },
    },
  },
  {
    name: "json_object output is responseMimeType alone",
    request: { responseFormat: { type: "json_object" } },
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      generationConfig: { responseMimeType: "application/json" },
    },
  },
  {
    name: "tools become function declarations with JSON Schema parameters; a named choice is ANY with that name",
    request: {
      tools: [{ name: "get_weather", description: "Weather", parameters: WEATHER, strict: true }],
      toolChoice: { name: "get_weather" },
    },
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      tools: [
        {
          functionDeclarations: [
            { name: "get_weather", description: "Weather", parametersJsonSchema: WEATHER },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
    },
  },
  {
    name: "extra fields: Gemini's top-level members stay top-level, generation settings go into generationConfig",
    request: {
      temperature: 0,
      extra: {
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
        top_k: 5,
        generationConfig: { presencePenalty: 0.5 },
        reasoning_effort: "low",
      },
    },
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      generationConfig: {
        temperature: 0,
        top_k: 5,
        presencePenalty: 0.5,
        thinkingConfig: { thinkingBudget: 1024 },
      },
    },
  },
];

describe("encodeGenerateContentRequest", () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      expect(encodeGenerateContentRequest({ ...base, ...testCase.request })).toEqual(testCase.body);
    });
  }

  it("sends a tool round trip as functionCall and functionResponse parts, one turn for parallel answers", () => {
    const body = encodeGenerateContentRequest({
      ...base,
      messages: [
        { role: "user", content: "Weather and time in Paris?" },
        {
          role: "assistant",
          content: null,
          toolCalls: [
            { id: "call_resp-2_0__thought__c2lnLTE=", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "call_resp-2_1", name: "get_time", arguments: "" },
          ],
        },
        { role: "tool", toolCallId: "call_resp-2_0__thought__c2lnLTE=", content: '{"temp": 21}' },
        { role: "tool", toolCallId: "call_resp-2_1", content: "14:00" },
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather and time in Paris?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "c2lnLTE=" },
          { functionCall: { name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temp: 21 } } },
          { functionResponse: { name: "get_time", response: { result: "14:00" } } },
        ],
      },
    ]);
  });

  it("sends Gemini's own call ids back on the call and its answer", () => {
    const body = encodeGenerateContentRequest({
      ...base,
      messages: [
        { role: "assistant", content: "", toolCalls: [{ id: "fc-77", name: "f", arguments: "{}" }] },
        { role: "tool", toolCallId: "fc-77", content: "ok" },
      ],
    });
    expect(body.contents).toEqual([
      { role: "model", parts: [{ functionCall: { name: "f", args: {}, id: "fc-77" } }] },
      { role: "user", parts: [{ functionResponse: { name: "f", response: { result: "ok" }, id: "fc-77" } }] },
    ]);
  });

  it("sends a data-URL image as inline data and an https image as file data", () => {
    const body = encodeGenerateContentRequest({
      ...base,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.webp" } },
          ],
        },
      ],
    });
    expect(body.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "What is this?" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp" } },
        ],
      },
    ]);
  });

  it("refuses a tool message answering a call the conversation does not contain, naming the field", () => {
    expect(() =>
      encodeGenerateContentRequest({
        ...base,
        messages: [{ role: "tool", toolCallId: "nope", content: "x" }],
      }),
    ).toThrow(expect.objectContaining({ code: "invalid_body", param: "messages.0.tool_call_id" }));
  });

  it("refuses tool call arguments that are not a JSON object, naming the field", () => {
    expect(() =>
      encodeGenerateContentRequest({
        ...base,
        messages: [
          { role: "assistant", content: null, toolCalls: [{ id: "a", name: "f", arguments: "[1]" }] },
        ],
      }),
    ).toThrow(expect.objectContaining({ param: "messages.0.tool_calls.0.function.arguments" }));
  });
});
