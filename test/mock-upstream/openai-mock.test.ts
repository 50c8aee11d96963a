import { request } from "undici";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createSpecValidator } from "../spec-validator.js";
import { expectNoSpecViolations } from "./expect-no-spec-violations.js";
import type { MockUpstream } from "./mock-upstream.js";
import { startOpenAIMock } from "./openai-mock.js";
import { parseSseText } from "./sse-frame.js";

const spec = createSpecValidator("openai");
const mock: MockUpstream = await startOpenAIMock();
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const AUTH = { authorization: "Bearer sk-test-123" };
const WEATHER_TOOL = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

async function post(path: string, body: unknown, headers: Record<string, string> = AUTH) {
  const res = await request(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

function chunksOf(text: string): unknown[] {
  const messages = parseSseText(text);
  expect(messages.at(-1)?.data).toBe("[DONE]");
  return messages.slice(0, -1).map((message) => JSON.parse(message.data) as unknown);
}

describe("OpenAI mock", () => {
  it("echoes the last user message with word-count usage, in a spec-valid body", async () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello there friend" },
    ];
    const res = await post("/v1/chat/completions", { model: "gpt-4o-mini", messages });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(spec.validate("CreateChatCompletionResponse", body)).toEqual([]);
    expect(body.id).toBe("chatcmpl-mock-1");
    expect(body.choices[0].message.content).toBe("Echo: Hello there friend");
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
    expect(mock.requests[0]?.headers.authorization).toBe("Bearer sk-test-123");
    expectNoSpecViolations(mock);
  });

  it("answers n choices and counts the completion tokens of all of them", async () => {
    const messages = [{ role: "user", content: [{ type: "text", text: "one two" }] }];
    const body = JSON.parse((await post("/v1/chat/completions", { model: "m", messages, n: 3 })).text);
    expect(body.choices.map((choice: { index: number }) => choice.index)).toEqual([0, 1, 2]);
    expect(body.usage).toEqual({ prompt_tokens: 2, completion_tokens: 9, total_tokens: 11 });
    expect(spec.validate("CreateChatCompletionResponse", body)).toEqual([]);
  });

  it("calls the first tool when the last user message asks to call a tool", async () => {
    const messages = [{ role: "user", content: "Please call a tool now" }];
    const body = JSON.parse(
      (await post("/v1/chat/completions", { model: "m", messages, tools: [WEATHER_TOOL] })).text,
    );
    expect(spec.validate("CreateChatCompletionResponse", body)).toEqual([]);
    expect(body.choices[0].finish_reason).toBe("tool_calls");
    expect(body.choices[0].message).toMatchObject({
      content: null,
      tool_calls: [
        {
          id: "call_mock_1",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
      ],
    });
    expect(body.usage.completion_tokens).toBe(1);
  });

  it("streams role, words, finish and usage chunks that each fit the chunk schema", async () => {
    const res = await post("/v1/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "a b" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const chunks = chunksOf(res.text) as { choices: { delta: { content?: string } }[]; usage: unknown }[];
    for (const chunk of chunks)
      expect(spec.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? null)).toEqual([
      "",
      "Echo:",
      " a",
      " b",
      null,
      null,
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("streams a tool call with its arguments in pieces", async () => {
    const res = await post("/v1/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "call a tool" }],
      tools: [WEATHER_TOOL],
      stream: true,
    });
    const chunks = chunksOf(res.text) as {
      choices: {
        delta: { tool_calls?: { function: { arguments: string } }[] };
        finish_reason: string | null;
      }[];
    }[];
    for (const chunk of chunks)
      expect(spec.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function.arguments ?? "");
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe('{"city":"Paris"}');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("serves embeddings, legacy completions and the model list in spec-valid bodies", async () => {
    const embeddings = JSON.parse(
      (await post("/v1/embeddings", { model: "e", input: ["hi there", "x"] })).text,
    );
    expect(spec.validate("CreateEmbeddingResponse", embeddings)).toEqual([]);
    expect(embeddings.data[0]).toEqual({ object: "embedding", index: 0, embedding: [8, 2, 0.5, -0.5] });
    expect(embeddings.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });

    const completion = JSON.parse((await post("/v1/completions", { model: "c", prompt: "say hi" })).text);
    expect(spec.validate("CreateCompletionResponse", completion)).toEqual([]);
    expect(completion.choices[0].text).toBe("Echo: say hi");

    const stream = await post("/v1/completions", { model: "c", prompt: "hi", stream: true });
    const chunks = chunksOf(stream.text) as { choices: { text: string }[] }[];
    expect(chunks.map((chunk) => chunk.choices[0]?.text).join("")).toBe("Echo: hi");
    expect(spec.validate("CreateCompletionResponse", chunks.at(-1))).toEqual([]);

    const models = await request(`${mock.url}/v1/models`, { headers: AUTH });
    expect(spec.validate("ListModelsResponse", await models.body.json())).toEqual([]);
    expectNoSpecViolations(mock);
  });

  it("accepts the Azure deployment form with either api-key or a bearer token", async () => {
    const path = "/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21";
    const body = { messages: [{ role: "user", content: "hi" }] };
    const withKey = await post(path, body, { "api-key": "azure-key" });
    expect(withKey.status).toBe(200);
    expect(JSON.parse(withKey.text).model).toBe("my-gpt");
    expect((await post(path, body)).status).toBe(200);
    const embed = await post(
      "/openai/deployments/emb/embeddings?api-version=2024-10-21",
      { input: "x" },
      AUTH,
    );
    expect(spec.validate("CreateEmbeddingResponse", JSON.parse(embed.text))).toEqual([]);
    expect(mock.requests[0]?.query).toEqual({ "api-version": "2024-10-21" });
    expectNoSpecViolations(mock);
  });

  it("records an Azure request without api-version as a violation", async () => {
    const res = await post("/openai/deployments/d/chat/completions", {
      messages: [{ role: "user", content: "x" }],
    });
    expect(res.status).toBe(400);
    expect(mock.specViolations[0]?.errors).toEqual(["Azure request without the api-version query parameter"]);
  });

  it("records an invalid request as a violation and answers 400 in OpenAI's error format", async () => {
    const res = await post("/v1/chat/completions", {
      model: "m",
      messages: [{ role: "robot", content: "x" }],
    });
    expect(res.status).toBe(400);
    expect(spec.validate("ErrorResponse", JSON.parse(res.text))).toEqual([]);
    expect(mock.specViolations).toHaveLength(1);
    expect(mock.specViolations[0]?.errors.join("\n")).toContain("/messages/0/role");
    expect(() => expectNoSpecViolations(mock)).toThrow(
      /POST \/v1\/chat\/completions[\s\S]*\/messages\/0\/role/,
    );
  });

  it("records a body that is not JSON as a violation", async () => {
    const res = await request(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: AUTH,
      body: "{oops",
    });
    expect(res.statusCode).toBe(400);
    await res.body.dump();
    expect(mock.specViolations[0]?.errors[0]).toMatch(/not valid JSON/);
  });

  it.each([
    ["no header", {}],
    ["an empty bearer token", { authorization: "Bearer " }],
    ["the wrong scheme", { authorization: "Basic abc" }],
  ])("answers 401 with %s", async (_, headers: Record<string, string>) => {
    const res = await post(
      "/v1/chat/completions",
      { model: "m", messages: [{ role: "user", content: "x" }] },
      headers,
    );
    expect(res.status).toBe(401);
    const body = JSON.parse(res.text);
    expect(spec.validate("ErrorResponse", body)).toEqual([]);
    expect(body.error.code).toBe("invalid_api_key");
  });

  it("answers 404 in OpenAI's error format on an unknown path", async () => {
    const res = await post("/v1/nope", {});
    expect(res.status).toBe(404);
    expect(spec.validate("ErrorResponse", JSON.parse(res.text))).toEqual([]);
  });
});
