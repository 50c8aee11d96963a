import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type MockUpstream,
  openAIChatStreamFrames,
  openAIError,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * Request ids (accepted or generated, on every response and in every error body), the access-log line every
 * request writes, and the warning every failed upstream attempt writes (never with the key).
 */
const KEY = "sk-test-access-log-key-0123456789";
let upstream: MockUpstream;
let gateway: GatewayUnderTest;

function logLines(): Record<string, unknown>[] {
  return gateway
    .logs()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function accessLines(): Record<string, unknown>[] {
  return logLines().filter((line) => line.msg === "request");
}

/** The access-log line of the request with this id (the hooks write it once the response has ended). */
async function accessLineOf(id: string): Promise<Record<string, unknown>> {
  for (let tries = 0; tries < 200; tries++) {
    const line = accessLines().find((entry) => entry.request_id === id);
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no access-log line for request ${id}; log:\n${gateway.logs()}`);
}

beforeAll(async () => {
  upstream = await startOpenAIMock();
  gateway = await startGateway(
    `routes:\n${routeYaml("gpt", "llm/v1/chat", "openai", "gpt-4o-mini", {
      openai_api_key: KEY,
      openai_api_base: `${upstream.url}/v1`,
    })}${routeYaml("echo", "llm/v1/chat", "mock", "mock-echo")}`,
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

const chat = { messages: [{ role: "user", content: "Hello" }] };

describe("request ids", () => {
  it("generates an id for every response, a different one each time", async () => {
    const first = await gateway.get("/health");
    const second = await gateway.post("/gateway/echo/invocations", chat);
    const firstId = first.headers.get("x-request-id");
    expect(firstId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(second.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers.get("x-request-id")).not.toBe(firstId);
  });

  it("keeps the id the client or proxy sent, and passes it on to nothing else", async () => {
    const response = await gateway.post("/gateway/echo/invocations", chat, {
      "x-request-id": "nginx-4f2a.77",
    });
    expect(response.headers.get("x-request-id")).toBe("nginx-4f2a.77");
    expect((await accessLineOf("nginx-4f2a.77")).status).toBe(200);
  });

  it("replaces an id that could inject text into logs or headers", async () => {
    for (const hostile of ['a"b', "a b", "x".repeat(129), "\u00e9t\u00e9"]) {
      const response = await gateway.post("/gateway/echo/invocations", chat, {
        "x-request-id":
          encodeURIComponent(hostile) === hostile ? hostile : hostile.replace(/[^\x20-\x7e]/g, "?"),
      });
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("replaces an id that holds a configured key, on answers and streams alike (no key ever comes back)", async () => {
    for (const stream of [false, true]) {
      if (stream) upstream.enqueue({ kind: "stream", frames: openAIChatStreamFrames({ text: "Hi there" }) });
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": `id-${KEY}` },
        body: JSON.stringify({ model: "gpt", stream, ...chat }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(await response.text()).not.toContain(KEY);
    }
    expect(gateway.logs()).not.toContain(KEY);
  });

  it("puts the id in every error body, in each API's format", async () => {
    const mlflow = await gateway.post("/gateway/nope/invocations", chat, { "x-request-id": "err-mlflow" });
    expect(mlflow.status).toBe(404);
    expect(mlflow.body).toMatchObject({ detail: expect.stringContaining("nope"), request_id: "err-mlflow" });

    const openai = await gateway.post(
      "/v1/chat/completions",
      { model: "nope", ...chat },
      { "x-request-id": "err-v1" },
    );
    expect(openai.status).toBe(404);
    expect(openai.body).toMatchObject({ error: { code: "model_not_found" }, request_id: "err-v1" });

    const badJson = await gateway.post("/gateway/echo/invocations", "{not json", {
      "x-request-id": "err-json",
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ request_id: "err-json" });

    const unknownPath = await gateway.get("/no/such/path");
    expect(unknownPath.status).toBe(404);
    expect((unknownPath.body as { request_id: string }).request_id).toBe(
      unknownPath.headers.get("x-request-id"),
    );
  });

  it("returns the id on a stream, whose headers are written around Fastify's reply", async () => {
    upstream.enqueue({ kind: "stream", frames: openAIChatStreamFrames({ text: "Hi there" }) });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "stream-1" },
      body: JSON.stringify({ model: "gpt", stream: true, ...chat }),
    });
    expect(response.headers.get("x-request-id")).toBe("stream-1");
    expect(await response.text()).toContain("[DONE]");
  });
});

describe("the access log", () => {
  it("writes one line per request with route, target, status, timings, attempts and bytes", async () => {
    const response = await gateway.post("/gateway/gpt/invocations", chat, { "x-request-id": "log-1" });
    expect(response.status).toBe(200);
    const line = await accessLineOf("log-1");
    expect(line).toMatchObject({
      level: 30,
      msg: "request",
      request_id: "log-1",
      method: "POST",
      path: "/gateway/gpt/invocations",
      status: 200,
      api: "mlflow",
      route: "gpt",
      target: "openai/gpt-4o-mini",
      attempts: 1,
      client_ip: "127.0.0.1",
      bytes_in: JSON.stringify(chat).length,
    });
    expect(line.duration_ms).toBeGreaterThan(0);
    expect(line.upstream_ms).toBeGreaterThan(0);
    expect(line.upstream_ms as number).toBeLessThanOrEqual(line.duration_ms as number);
    expect(line.bytes_out as number).toBeGreaterThan(response.text.length);
    expect(line).toHaveProperty("input_tokens");
    expect(accessLines().filter((entry) => entry.request_id === "log-1")).toHaveLength(1);
  });

  it("logs requests that reach no route, without their query string", async () => {
    await fetch(`${gateway.url}/api/2.0/gateway/routes/?max_results=1&key=secret`, {
      headers: { "x-request-id": "log-query" },
    });
    const line = await accessLineOf("log-query");
    expect(line).toMatchObject({ method: "GET", path: "/api/2.0/gateway/routes/", status: 200 });
    expect(line).not.toHaveProperty("route");
    expect(JSON.stringify(line)).not.toContain("secret");
  });

  it("logs a stream once it has ended, marked as a stream", async () => {
    upstream.enqueue({ kind: "stream", frames: openAIChatStreamFrames({ text: "streamed" }) });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "log-stream" },
      body: JSON.stringify({ model: "gpt", stream: true, ...chat }),
    });
    const text = await response.text();
    const line = await accessLineOf("log-stream");
    expect(line).toMatchObject({ status: 200, stream: true, route: "gpt", api: "openai", attempts: 1 });
    expect(line.bytes_out as number).toBeGreaterThan(text.length);
  });

  it("can be turned off with server.access_log: false", async () => {
    const quiet = await startGateway(
      `server:\n  access_log: false\nroutes:\n${routeYaml("echo", "llm/v1/chat", "mock", "mock-echo")}`,
    );
    try {
      const response = await quiet.post("/gateway/echo/invocations", chat);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(quiet.logs()).not.toContain('"msg":"request"');
    } finally {
      await quiet.close();
    }
  });
});

describe("failed upstream attempts", () => {
  it("logs a provider's 401 with route, target and upstream status, never the key", async () => {
    upstream.enqueue({
      kind: "json",
      status: 401,
      body: openAIError(`Incorrect API key provided: ${KEY}.`, "invalid_request_error", "invalid_api_key"),
    });
    const response = await gateway.post("/gateway/gpt/invocations", chat, { "x-request-id": "auth-1" });
    expect(response.status).toBe(401);
    const warning = logLines().find((line) => line.request_id === "auth-1" && line.level === 40);
    expect(warning).toMatchObject({
      route: "gpt",
      target: "openai/gpt-4o-mini",
      upstream_status: 401,
      attempt: 1,
      code: "upstream_http_error",
    });
    expect(warning?.msg).toContain("HTTP 401");
    expect(gateway.logs()).not.toContain(KEY);
    expect(await accessLineOf("auth-1")).toMatchObject({ status: 401, attempts: 1 });
  });

  it("logs each failed attempt of a request that a retry then rescues", async () => {
    upstream.enqueue({ kind: "json", status: 503, body: openAIError("overloaded", "server_error") });
    const response = await gateway.post("/gateway/gpt/invocations", chat, { "x-request-id": "retry-1" });
    expect(response.status).toBe(200);
    const warnings = logLines().filter((line) => line.request_id === "retry-1" && line.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ upstream_status: 503, attempt: 1, route: "gpt" })]);
    expect(await accessLineOf("retry-1")).toMatchObject({ status: 200, attempts: 2 });
  });

  it("logs a mid-request failure without an HTTP status (a reset) by its code", async () => {
    upstream.enqueue({ kind: "reset" }, { kind: "reset" });
    const response = await gateway.post("/gateway/gpt/invocations", chat, { "x-request-id": "reset-1" });
    expect(response.status).toBe(502);
    const warnings = logLines().filter((line) => line.request_id === "reset-1" && line.level === 40);
    expect(warnings.map((line) => line.code)).toEqual(["upstream_unreachable", "upstream_unreachable"]);
    expect(warnings[0]).not.toHaveProperty("upstream_status");
  });
});

describe("SSE frames", () => {
  it("marks streams X-Accel-Buffering: no, so nginx passes each event on at once", async () => {
    const echo = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "echo", stream: true, ...chat }),
    });
    expect(echo.headers.get("x-accel-buffering")).toBe("no");
    await echo.text();
  });
});
