import { readFileSync } from "node:fs";
import { request } from "undici";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createSpecValidator } from "../spec-validator.js";
import { cohereStreamEvents } from "./cohere-bodies.js";
import { startCohereMock } from "./cohere-mock.js";
import { expectNoSpecViolations } from "./expect-no-spec-violations.js";
import type { MockUpstream } from "./mock-upstream.js";
import { parseSseText } from "./sse-frame.js";

const spec = createSpecValidator("cohere");
const mock: MockUpstream = await startCohereMock();
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const AUTH = { authorization: "Bearer co-test" };
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

function recordedStream(name: string): { event: string; data: Record<string, unknown> }[] {
  const url = new URL(`../fixtures/specs/cohere-examples/responses/${name}`, import.meta.url);
  return parseYaml(readFileSync(url, "utf8")).stream;
}

/** Each SSE message must carry the event name that equals data.type, and the data must be spec-valid. */
function eventsOf(text: string) {
  return parseSseText(text).map(({ event, data }) => {
    const parsed = JSON.parse(data);
    expect(parsed.type).toBe(event);
    expect(spec.validate("V2ChatStreamEvent", parsed)).toEqual([]);
    return parsed;
  });
}

describe("Cohere mock", () => {
  it("echoes the last user message with usage in billed_units and tokens", async () => {
    const messages = [
      { role: "system", content: "Be nice" },
      { role: "user", content: [{ type: "text", text: "Hello world" }] },
    ];
    const res = await post("/v2/chat", { model: "command-r", messages });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(spec.validate("V2ChatResponse", body)).toEqual([]);
    expect(body).toMatchObject({
      id: "chat-mock-1",
      finish_reason: "COMPLETE",
      message: { role: "assistant", content: [{ type: "text", text: "Echo: Hello world" }] },
      usage: {
        billed_units: { input_tokens: 4, output_tokens: 3 },
        tokens: { input_tokens: 4, output_tokens: 3 },
      },
    });
    expect(mock.requests[0]?.headers.authorization).toBe("Bearer co-test");
    expectNoSpecViolations(mock);
  });

  it("answers with tool_calls and finish_reason TOOL_CALL when asked to call a tool", async () => {
    const messages = [{ role: "user", content: "call a tool" }];
    const body = JSON.parse((await post("/v2/chat", { model: "m", messages, tools: [WEATHER_TOOL] })).text);
    expect(spec.validate("V2ChatResponse", body)).toEqual([]);
    expect(body.finish_reason).toBe("TOOL_CALL");
    expect(body.message.tool_calls).toEqual([
      {
        id: "get_weather_mock1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
      },
    ]);
  });

  it("streams text events framed like the recorded example", async () => {
    const res = await post("/v2/chat", {
      model: "m",
      messages: [{ role: "user", content: "a b" }],
      stream: true,
    });
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const events = eventsOf(res.text);
    const recordedTypes = recordedStream("chat-v2-post_stream.yaml").map((event) => event.event);
    expect(events.map((event) => event.type)).toEqual(
      [...new Set(recordedTypes)].flatMap((type) => (type === "content-delta" ? [type, type, type] : [type])),
    );
    const words = events
      .filter((event) => event.type === "content-delta")
      .map((e) => e.delta.message.content.text);
    expect(words).toEqual(["Echo:", " a", " b"]);
    expect(events.at(-1).delta).toEqual({
      finish_reason: "COMPLETE",
      usage: {
        billed_units: { input_tokens: 2, output_tokens: 3 },
        tokens: { input_tokens: 2, output_tokens: 3 },
      },
    });
  });

  it("streams a tool call like the recorded tools example, arguments in pieces", async () => {
    const messages = [{ role: "user", content: "call a tool" }];
    const res = await post("/v2/chat", { model: "m", messages, tools: [WEATHER_TOOL], stream: true });
    const events = eventsOf(res.text);
    expect(events[1]).toEqual({
      type: "tool-call-start",
      index: 0,
      delta: {
        message: {
          tool_calls: {
            id: "get_weather_mock1",
            type: "function",
            function: { name: "get_weather", arguments: "" },
          },
        },
      },
    });
    const pieces = events
      .filter((e) => e.type === "tool-call-delta")
      .map((e) => e.delta.message.tool_calls.function.arguments);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join("")).toBe('{"city":"Paris"}');
    expect(events.at(-2)).toEqual({ type: "tool-call-end", index: 0 });
    expect(events.at(-1).delta.finish_reason).toBe("TOOL_CALL");
  });

  it("builds events with exactly the keys of the recorded ones", () => {
    const recorded = recordedStream("chat-v2-post_stream.yaml");
    const recordedTools = recordedStream("chat-v2-post_stream-tools.yaml");
    const keysByType = new Map<string, string>();
    for (const { data } of [...recorded, ...recordedTools]) keysByType.set(String(data.type), shapeOf(data));
    const built = [...cohereStreamEvents({ text: "x" }), ...cohereStreamEvents({ toolCall: { name: "t" } })];
    for (const { data } of built) expect(shapeOf(data)).toBe(keysByType.get(String(data.type)));
  });

  it("accepts the recorded stream examples as spec-valid", () => {
    for (const name of ["chat-v2-post_stream.yaml", "chat-v2-post_stream-tools.yaml"]) {
      for (const { event, data } of recordedStream(name)) {
        expect(data.type).toBe(event);
        expect(spec.validate("V2ChatStreamEvent", data)).toEqual([]);
      }
    }
  });

  it("embeds each text as a 4-number vector under embeddings.float", async () => {
    const res = await post("/v2/embed", {
      model: "embed-v4.0",
      input_type: "classification",
      texts: ["hello", "a b"],
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(spec.validate("V2EmbedResponse", body)).toEqual([]);
    expect(body.embeddings).toEqual({
      float: [
        [5, 1, 0.5, -0.5],
        [3, 2, 0.5, -0.5],
      ],
    });
    expect(body.meta.billed_units.input_tokens).toBe(3);
    expectNoSpecViolations(mock);
  });

  it("records an invalid request as a violation and answers 400 with {id, message}", async () => {
    const res = await post("/v2/embed", { model: "embed-v4.0", texts: ["x"] });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text);
    expect(spec.validate("ErrorResponse", body)).toEqual([]);
    expect(body.message).toContain("input_type");
    expect(mock.specViolations).toHaveLength(1);
  });

  it.each([
    ["no header", {}],
    ["an api key header instead of a bearer token", { "x-api-key": "k" }],
  ])("answers 401 with %s", async (_, headers: Record<string, string>) => {
    const res = await post("/v2/chat", { model: "m", messages: [{ role: "user", content: "x" }] }, headers);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ id: "error-mock-1", message: "invalid api token" });
  });

  it("answers 404 with {id, message} on an unknown path", async () => {
    const res = await post("/v1/chat", {});
    expect(res.status).toBe(404);
    expect(spec.validate("ErrorResponse", JSON.parse(res.text))).toEqual([]);
  });
});

/** The nested key structure of a value, e.g. `{delta:{message:{content:{text}}},index,type}`. */
function shapeOf(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "";
  const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([key, child]) => `${key}${shapeOf(child) && `:${shapeOf(child)}`}`).join(",")}}`;
}
