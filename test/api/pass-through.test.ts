import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  expectNoSpecViolations,
  type MockUpstream,
  openAIChatCompletion,
  openAIChatStreamFrames,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

let upstream: MockUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  upstream = await startOpenAIMock();
  gateway = await startGateway(
    `routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-test-pass-0123456789, openai_api_base: "${upstream.url}/v1" } }
    retries: { max_attempts: 1 }
  - name: azure-chat
    type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4o
      config: { openai_api_key: azure-key-0123456789, openai_api_type: azure, openai_api_base: "${upstream.url}", openai_deployment_name: prod, openai_api_version: 2024-06-01 }
  - name: translated-first
    type: llm/v1/chat
    targets:
      - { provider: anthropic, name: claude-down, config: { anthropic_api_key: sk-ant-pass-0123456789, anthropic_api_base: "http://127.0.0.1:1/v1" } }
      - { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-test-pass-0123456789, openai_api_base: "${upstream.url}/v1" } }
    retries: { max_attempts: 1 }
  - name: embed
    type: llm/v1/embeddings
    model: { provider: openai, name: text-embedding-3-small, config: { openai_api_key: sk-test-pass-0123456789, openai_api_base: "${upstream.url}/v1" } }
`,
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
afterEach(() => {
  expectNoSpecViolations(upstream);
  upstream.reset();
});

const messages = [{ role: "user", content: "relay me" }];

describe("same-dialect pass-through (OpenAI client, OpenAI upstream)", () => {
  it("sends the client's body as it is, with the route's model in place of the route name", async () => {
    const body = {
      model: "chat",
      messages,
      temperature: 0.3,
      logit_bias: { "50256": -100 },
      user: "u-1",
      service_tier: "auto",
    };
    await gateway.post("/v1/chat/completions", body);
    expect(upstream.requests[0]?.body).toEqual({ ...body, model: "gpt-4o-mini" });
  });

  it("sends the client's own text, numbers as written, with only the model's value replaced", async () => {
    // JSON.parse rounds the seed (2^53 + 1) and JSON.stringify writes 0.50 as 0.5: re-serialising would change both.
    const sent = (model: string): string =>
      `{"messages": [{"role":"user","content":"relay \\"me\\""}], "model": "${model}", "seed": 9007199254740993, "temperature": 0.50}`;
    const response = await postText("/v1/chat/completions", sent("chat"));
    expect(response.status).toBe(200);
    expect(upstream.requests[0]?.rawBody).toBe(sent("gpt-4o-mini"));
  });

  it("adds the usage request to a stream's text the same way", async () => {
    const frames = openAIChatStreamFrames({ text: "one two" });
    upstream.enqueue({ kind: "stream", frames });
    const response = await postText(
      "/v1/chat/completions",
      '{"model":"chat","stream":true,"seed":9007199254740993,"messages":[{"role":"user","content":"x"}]}',
    );
    expect(response.status).toBe(200);
    expect(upstream.requests[0]?.rawBody).toBe(
      '{"stream_options":{"include_usage":true},"model":"gpt-4o-mini","stream":true,"seed":9007199254740993,"messages":[{"role":"user","content":"x"}]}',
    );
  });

  it("sends the route's model when a top-level key is written with escapes (another key may mean model)", async () => {
    // A parser takes the last of duplicate keys: "mod\u0065l" is the model here, and the literal key is not.
    const response = await postText(
      "/v1/chat/completions",
      '{"model":"chat","messages":[{"role":"user","content":"x"}],"mod\\u0065l":"chat"}',
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(upstream.requests[0]?.rawBody ?? "{}")).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x" }],
    });
  });

  it("lets the client's text go once an attempt translates the body (a later relay serialises it)", async () => {
    // A translated attempt never uses the text: kept, it would live as long as a translated stream runs.
    const sent =
      '{"messages":[{"role":"user","content":"x"}], "model":"translated-first", "temperature":0.50}';
    const response = await postText("/v1/chat/completions", sent);
    expect(response.status).toBe(200);
    expect(upstream.requests[0]?.rawBody).toBe(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"temperature":0.5}',
    );
  });

  it("relays an MLflow deployments invocation as the client's text with the model (and MLflow's default temperature) added", async () => {
    const messages = '[{"role":"user","content":"x"}]';
    const plain = await postText(
      "/endpoints/chat/invocations",
      `{"messages": ${messages}, "max_tokens": 64}`,
    );
    expect(plain.status).toBe(200);
    expect(upstream.requests[0]?.rawBody).toBe(
      `{"temperature":0,"model":"gpt-4o-mini","messages": ${messages}, "max_tokens": 64}`,
    );
    const warm = await postText(
      "/endpoints/chat/invocations",
      `{ "temperature": 0.50, "messages": ${messages} }`,
    );
    expect(warm.status).toBe(200);
    expect(upstream.requests[1]?.rawBody).toBe(
      `{"model":"gpt-4o-mini", "temperature": 0.50, "messages": ${messages} }`,
    );
  });

  it("sends no model to Azure, whose deployment names it", async () => {
    await gateway.post("/v1/chat/completions", { model: "azure-chat", messages });
    const request = upstream.requests[0];
    expect(request?.path).toBe("/openai/deployments/prod/chat/completions");
    expect(request?.body).toEqual({ messages });
  });

  it("returns the upstream's response bytes unchanged", async () => {
    const upstreamBody = openAIChatCompletion({ text: "exactly these bytes", id: "chatcmpl-kept" });
    upstream.enqueue({ kind: "json", status: 200, body: upstreamBody });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(response.text).toBe(JSON.stringify(upstreamBody));
  });

  it("relays embeddings in the encoding the client asked for", async () => {
    await gateway.post("/v1/embeddings", { model: "embed", input: ["a"], encoding_format: "base64" });
    expect(upstream.requests[0]?.body).toEqual({
      model: "text-embedding-3-small",
      input: ["a"],
      encoding_format: "base64",
    });
  });

  it("relays a stream's frames byte for byte, also when the upstream splits them across packets", async () => {
    // Without a usage chunk: the gateway asks for one when the client did not, and leaves it out of the relay.
    const frames = openAIChatStreamFrames({ text: "one two three" });
    upstream.enqueue({ kind: "stream", frames, splitFramesAt: 7 });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.text).toBe(frames.join(""));
  });

  it("ends a stream cut mid-frame with an error frame, never with [DONE], and never relays half a frame", async () => {
    const frames = openAIChatStreamFrames({ text: "one two three four" });
    const half = frames[2]?.slice(0, 20) ?? "";
    upstream.enqueue({ kind: "stream", frames: [...frames.slice(0, 2), half], cutAfterFrames: 3 });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(response.status).toBe(200);
    const complete = frames.slice(0, 2).join("");
    expect(response.text.startsWith(complete)).toBe(true);
    // Right after the complete frames comes the error frame: none of the half frame's bytes.
    const rest = response.text.slice(complete.length);
    expect(rest).toMatch(/^data: \{"error":/);
    expect(rest.split("\n\n").filter((frame) => frame !== "")).toHaveLength(1);
    expect(JSON.parse(rest.replace(/^data: /, ""))).toMatchObject({ error: { type: "server_error" } });
    expect(response.text).not.toContain("[DONE]");
  });

  it("completes a stream that stops after its finish without [DONE]: the gateway adds it", async () => {
    const frames = openAIChatStreamFrames({ text: "no end marker" }).filter(
      (frame) => !frame.includes("[DONE]"),
    );
    upstream.enqueue({ kind: "stream", frames });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(response.text).toBe(`${frames.join("")}data: [DONE]\n\n`);
  });

  it("ends a stream that stops before its finish with an error frame", async () => {
    const frames = openAIChatStreamFrames({ text: "no end marker" }).slice(0, 3);
    upstream.enqueue({ kind: "stream", frames });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(response.text).toContain(frames.join(""));
    expect(response.text).toMatch(
      /data: \{"error":\{"message":"The stream from OpenAI ended before its end marker/,
    );
  });

  it("answers a failure before the first byte with an HTTP error, not a 200 stream", async () => {
    upstream.enqueue({
      kind: "json",
      status: 429,
      body: { error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } },
      headers: { "retry-after": "3" },
    });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    // The upstream's type and code, its message said to be OpenAI's, and where it happened.
    expect(response.body).toEqual({
      error: {
        message: "OpenAI: slow down (route 'chat', target 'openai/gpt-4o-mini')",
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      },
      request_id: response.headers.get("x-request-id"),
    });
  });

  it("streams a whole JSON answer from an upstream that ignored stream: true", async () => {
    upstream.enqueue({ kind: "json", status: 200, body: openAIChatCompletion({ text: "not streamed" }) });
    const response = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.text).toContain('"content":"not "');
    expect(response.text.trim().endsWith("data: [DONE]")).toBe(true);
  });
});

describe("validation on a pass-through route", () => {
  it("leaves the body to the upstream's own validation and passes its 400 on", async () => {
    upstream.enqueue({
      kind: "json",
      status: 400,
      body: {
        error: {
          message: "Invalid type for 'temperature': expected a decimal, but got a string instead.",
          type: "invalid_request_error",
          param: "temperature",
          code: "invalid_type",
        },
      },
    });
    const response = await gateway.post("/v1/chat/completions", {
      model: "chat",
      messages,
      temperature: "hot",
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { message: expect.stringContaining("'temperature'"), type: "invalid_request_error" },
    });
    expect(upstream.requests[0]?.body).toMatchObject({ temperature: "hot" });
    upstream.specViolations.length = 0;
  });

  it("still refuses a body without a route name itself", async () => {
    const response = await gateway.post("/v1/chat/completions", { messages });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { param: "model" } });
    expect(upstream.requests).toEqual([]);
  });
});

/** A body sent as this exact text (the gateway's own client helper serialises objects). */
function postText(path: string, text: string): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: text,
  });
}
