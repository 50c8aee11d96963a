import { request } from "undici";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createSpecValidator } from "../spec-validator.js";
import { startAnthropicMock } from "./anthropic-mock.js";
import { expectNoSpecViolations } from "./expect-no-spec-violations.js";
import type { MockUpstream } from "./mock-upstream.js";
import { parseSseText } from "./sse-frame.js";

const spec = createSpecValidator("anthropic");
const mock: MockUpstream = await startAnthropicMock();
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const HEADERS = { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" };
const WEATHER_TOOL = {
  name: "get_weather",
  input_schema: { type: "object", properties: { city: { type: "string" } } },
};

async function post(body: unknown, headers: Record<string, string> = HEADERS, path = "/v1/messages") {
  const res = await request(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

function messagesRequest(text: string, extra: Record<string, unknown> = {}) {
  return {
    model: "claude-3-5-sonnet-latest",
    max_tokens: 100,
    messages: [{ role: "user", content: text }],
    ...extra,
  };
}

/** Every event must be valid; ping is not part of MessageStreamEvent in the spec, so it is checked by hand. */
function eventsOf(text: string) {
  return parseSseText(text).map(({ event, data }) => {
    const parsed = JSON.parse(data);
    expect(parsed.type).toBe(event);
    if (event === "ping") expect(parsed).toEqual({ type: "ping" });
    else expect(spec.validate("MessageStreamEvent", parsed)).toEqual([]);
    return parsed;
  });
}

describe("Anthropic mock", () => {
  it("echoes the last user message, counting the system prompt as input", async () => {
    const res = await post(messagesRequest("Hi there", { system: "You are terse." }));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(spec.validate("Message", body)).toEqual([]);
    expect(body).toMatchObject({
      id: "msg_mock_1",
      content: [{ type: "text", text: "Echo: Hi there" }],
      stop_reason: "end_turn",
      usage: {
        input_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 3,
      },
    });
    expect(mock.requests[0]?.headers["x-api-key"]).toBe("sk-ant-test");
    expectNoSpecViolations(mock);
  });

  it("answers with a tool_use block and stop_reason tool_use when asked to call a tool", async () => {
    const body = JSON.parse((await post(messagesRequest("call a tool", { tools: [WEATHER_TOOL] }))).text);
    expect(spec.validate("Message", body)).toEqual([]);
    expect(body.stop_reason).toBe("tool_use");
    expect(body.content).toEqual([
      { type: "tool_use", id: "toolu_mock_1", name: "get_weather", input: { city: "Paris" } },
    ]);
  });

  it("streams the full event sequence with a ping, each event spec-valid", async () => {
    const res = await post(messagesRequest("a b", { stream: true }));
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const events = eventsOf(res.text);
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.filter((e) => e.type === "content_block_delta").map((e) => e.delta.text)).toEqual([
      "Echo:",
      " a",
      " b",
    ]);
    const noCache = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    expect(events[0].message.usage).toEqual({ input_tokens: 2, ...noCache, output_tokens: 1 });
    // message_delta's usage is cumulative: the whole call's counts.
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: "end_turn" },
      usage: { input_tokens: 2, ...noCache, output_tokens: 3 },
    });
  });

  it("streams a tool_use block with its input as several input_json_delta pieces", async () => {
    const res = await post(messagesRequest("call a tool", { stream: true, tools: [WEATHER_TOOL] }));
    const events = eventsOf(res.text);
    const start = events.find((event) => event.type === "content_block_start");
    expect(start.content_block).toEqual({
      type: "tool_use",
      id: "toolu_mock_1",
      name: "get_weather",
      input: {},
    });
    const pieces = events
      .filter((e) => e.delta?.type === "input_json_delta")
      .map((e) => e.delta.partial_json);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces[0]).toBe("");
    expect(JSON.parse(pieces.join(""))).toEqual({ city: "Paris" });
    expect(events.at(-2).delta.stop_reason).toBe("tool_use");
  });

  it("records an invalid request as a violation and answers 400 invalid_request_error", async () => {
    const res = await post({ model: "claude", messages: [{ role: "user", content: "x" }] });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text);
    expect(spec.validate("ErrorResponse", body)).toEqual([]);
    expect(body.error.type).toBe("invalid_request_error");
    expect(mock.specViolations[0]?.errors.join()).toContain("max_tokens");
  });

  it.each([
    ["no x-api-key", { "anthropic-version": "2023-06-01" }],
    ["an empty x-api-key", { "x-api-key": "", "anthropic-version": "2023-06-01" }],
    ["no anthropic-version", { "x-api-key": "k" }],
    ["an unknown anthropic-version", { "x-api-key": "k", "anthropic-version": "2099-01-01" }],
    ["only a bearer token", { authorization: "Bearer k", "anthropic-version": "2023-06-01" }],
  ])("answers 401 authentication_error with %s", async (_, headers: Record<string, string>) => {
    const res = await post(messagesRequest("x"), headers);
    expect(res.status).toBe(401);
    const body = JSON.parse(res.text);
    expect(spec.validate("ErrorResponse", body)).toEqual([]);
    expect(body.error.type).toBe("authentication_error");
  });

  it("thinks first when thinking is enabled, signing the thinking block, and counts it as output", async () => {
    const thinking = { type: "enabled", budget_tokens: 1024 };
    const body = JSON.parse((await post(messagesRequest("Hi there", { thinking, max_tokens: 2000 }))).text);
    expect(spec.validate("Message", body)).toEqual([]);
    expect(body.content).toEqual([
      { type: "thinking", thinking: "Thinking about: Hi there", signature: "sig_msg_mock_1" },
      { type: "text", text: "Echo: Hi there" },
    ]);
    expect(body.usage).toMatchObject({ output_tokens: 7, output_tokens_details: { thinking_tokens: 4 } });
    const stream = eventsOf(
      (await post(messagesRequest("Hi", { thinking, max_tokens: 2000, stream: true }))).text,
    );
    const deltas = stream.filter((event) => event.type === "content_block_delta").map((event) => event.delta);
    expect(deltas.filter((delta) => delta.type === "signature_delta")).toEqual([
      { type: "signature_delta", signature: "sig_msg_mock_2" },
    ]);
  });

  it("refuses a thinking block whose signature it did not make, as the API does", async () => {
    const messages = [
      { role: "user", content: "Hi" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hm", signature: "forged" },
          { type: "text", text: "Yes" },
        ],
      },
      { role: "user", content: "And?" },
    ];
    const res = await post(messagesRequest("", { messages }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toContain("Invalid `signature` in `thinking` block");
  });

  it("with thinking on, refuses a final assistant tool-use turn that does not start with its thinking", async () => {
    const messages = [
      { role: "user", content: "call a tool" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Sunny" }] },
    ];
    const thinking = { type: "enabled", budget_tokens: 1024 };
    const res = await post(
      messagesRequest("", { messages, thinking, max_tokens: 2000, tools: [WEATHER_TOOL] }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toContain("must start with a thinking block");
  });

  it("writes the prompt up to the last cache marker to the cache, then reads it", async () => {
    const system = [
      { type: "text", text: "You are a careful coding agent.", cache_control: { type: "ephemeral" } },
    ];
    const first = JSON.parse((await post(messagesRequest("Fix the bug", { system }))).text);
    const second = JSON.parse((await post(messagesRequest("Fix the bug", { system }))).text);
    expect(first.usage).toMatchObject({
      input_tokens: 3,
      cache_creation_input_tokens: 6,
      cache_read_input_tokens: 0,
    });
    expect(second.usage).toMatchObject({
      input_tokens: 3,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 6,
    });
    mock.reset();
    const afterReset = JSON.parse((await post(messagesRequest("Fix the bug", { system }))).text);
    expect(afterReset.usage.cache_creation_input_tokens).toBe(6);
    expectNoSpecViolations(mock);
  });

  it("counts tokens on /v1/messages/count_tokens by the echo rules", async () => {
    const res = await post(
      {
        model: "claude-3-5-sonnet-latest",
        system: "Be terse.",
        messages: [{ role: "user", content: "Count these words" }],
      },
      HEADERS,
      "/v1/messages/count_tokens",
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ input_tokens: 5 });
    expectNoSpecViolations(mock);
  });

  it("answers 404 not_found_error on an unknown path", async () => {
    const res = await post({}, HEADERS, "/v1/complete-me");
    expect(res.status).toBe(404);
    expect(spec.validate("ErrorResponse", JSON.parse(res.text))).toEqual([]);
  });
});
