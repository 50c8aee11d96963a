import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type MockUpstream,
  openAIChatStreamFrames,
  openAIError,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { createConfigDirectory } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";

/**
 * OpenTelemetry tracing, end to end: the gateway runs as a user runs it, with the standard OTEL_* variables
 * pointing at a loopback OTLP/HTTP receiver that decodes what arrives, in front of a mock provider that records
 * the trace context it is sent.
 */
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let upstream: MockUpstream;
let receiver: OtlpReceiver;
let configPath: string;

function configFor(mock: MockUpstream): string {
  return `routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-tracing-test-0123456789, openai_api_base: "${mock.url}/v1" } }
`;
}

function traceparent(): { header: string; traceId: string; parentId: string } {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { header: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

function spansOf(traceId: string): ReceivedSpan[] {
  return receiver.spans.filter((span) => span.traceId === traceId);
}

beforeAll(async () => {
  upstream = await startOpenAIMock();
  receiver = await startOtlpReceiver();
  configPath = join(createConfigDirectory(), "switchyard.yaml");
  writeFileSync(configPath, configFor(upstream));
});

afterAll(async () => {
  await upstream.close();
  await receiver.close();
});

describe("tracing over OTLP/HTTP JSON", () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "1"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "gateway-under-test",
      OTEL_BSP_SCHEDULE_DELAY: "50",
    });
  });
  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
  });
  beforeEach(() => upstream.reset());

  it("continues the caller's trace: a server span, a GenAI client span ending with the stream, context upstream", async () => {
    const trace = traceparent();
    let release: () => void = () => {};
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({
        text: "Hello there",
        includeUsage: true,
        model: "gpt-4o-mini-2024-07-18",
        inputTokens: 9,
        outputTokens: 2,
      }),
      hold: { afterFrames: 2, until },
    });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: trace.header, "x-request-id": "traced-1" },
      body: JSON.stringify({
        model: "chat",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "Hello there" }],
      }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // The stream is open: its spans must not have ended. A batch goes out every 50 ms; give it several.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(spansOf(trace.traceId)).toEqual([]);
    const releasedAtNs = BigInt(Date.now()) * 1_000_000n;
    release();
    while (!(await reader.read()).done) {}

    await receiver.waitFor(() => spansOf(trace.traceId).length >= 2);
    const spans = spansOf(trace.traceId);
    const server = spans.find((span) => span.kind === SERVER);
    const client = spans.find((span) => span.kind === CLIENT);
    expect(server).toMatchObject({
      name: "POST /v1/chat/completions",
      parentSpanId: trace.parentId,
      serviceName: "gateway-under-test",
      attributes: {
        "http.request.method": "POST",
        "http.route": "/v1/chat/completions",
        "url.path": "/v1/chat/completions",
        "http.response.status_code": 200,
        "switchyard.request_id": "traced-1",
        "switchyard.route": "chat",
      },
    });
    expect(client).toMatchObject({
      name: "chat gpt-4o-mini",
      parentSpanId: server?.spanId,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 9,
        "gen_ai.usage.output_tokens": 2,
        "server.address": "127.0.0.1",
        "switchyard.attempt": 1,
      },
    });
    // Both spans end when the stream has ended, not when it started.
    expect(BigInt(client?.endTimeUnixNano ?? "0")).toBeGreaterThan(releasedAtNs);
    expect(BigInt(server?.endTimeUnixNano ?? "0")).toBeGreaterThanOrEqual(
      BigInt(client?.endTimeUnixNano ?? "0"),
    );
    // The upstream was called in the same trace, as a child of the attempt's span.
    expect(upstream.requests[0]?.headers.traceparent).toBe(`00-${trace.traceId}-${client?.spanId}-01`);
  });

  it("gives each attempt its own span, a failed one marked with the upstream status", async () => {
    const trace = traceparent();
    upstream.enqueue({ kind: "json", status: 503, body: openAIError("overloaded", "server_error") });
    const response = await fetch(`${gateway.url}/gateway/chat/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: trace.header },
      body: JSON.stringify({ messages: [{ role: "user", content: "again" }] }),
    });
    expect(response.status).toBe(200);
    await receiver.waitFor(() => spansOf(trace.traceId).length >= 3);
    const attempts = spansOf(trace.traceId)
      .filter((span) => span.kind === CLIENT)
      .sort(
        (a, b) => Number(a.attributes["switchyard.attempt"]) - Number(b.attributes["switchyard.attempt"]),
      );
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      status: { code: ERROR },
      attributes: { "error.type": "503", "http.response.status_code": 503, "switchyard.attempt": 1 },
    });
    expect(attempts[1]?.attributes).toMatchObject({
      "switchyard.attempt": 2,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(attempts[1]?.attributes).not.toHaveProperty("error.type");
    const server = spansOf(trace.traceId).find((span) => span.kind === SERVER);
    expect(server?.name).toBe("POST /gateway/:name/invocations");
    expect(upstream.requests.map((request) => request.headers.traceparent?.split("-")[1])).toEqual([
      trace.traceId,
      trace.traceId,
    ]);
  });

  it("starts a new trace for a request without trace context", async () => {
    const before = receiver.spans.length;
    const response = await fetch(`${gateway.url}/health`, { headers: { "x-request-id": "untraced-1" } });
    expect(response.status).toBe(200);
    await receiver.waitFor((spans) =>
      spans.slice(before).some((span) => span.attributes["switchyard.request_id"] === "untraced-1"),
    );
    const span = receiver.spans.find((entry) => entry.attributes["switchyard.request_id"] === "untraced-1");
    expect(span?.parentSpanId ?? "").toBe("");
    expect(span?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("tracing over OTLP/HTTP protobuf, the default protocol", () => {
  it("exports protobuf to /v1/traces", async () => {
    const gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "1"], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: "50",
    });
    try {
      const trace = traceparent();
      const response = await fetch(`${gateway.url}/gateway/chat/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: trace.header },
        body: JSON.stringify({ messages: [{ role: "user", content: "protobuf" }] }),
      });
      expect(response.status).toBe(200);
      const traceIdBytes = Buffer.from(trace.traceId, "hex");
      const deadline = Date.now() + 20_000;
      const carrying = () => receiver.exports.filter((entry) => entry.body.includes(traceIdBytes));
      while (carrying().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const [exported] = carrying();
      expect(exported?.path).toBe("/v1/traces");
      expect(exported?.contentType).toBe("application/x-protobuf");
      expect(exported?.body.includes(Buffer.from("gen_ai.request.model"))).toBe(true);
      expect(exported?.body.includes(Buffer.from("switchyard"))).toBe(true);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });
});

describe("tracing settings", () => {
  it("refuses to start with an endpoint that is not an http(s) URL, naming the variable", async () => {
    await expect(
      startGatewayProcess(["--config-path", configPath, "--workers", "1"], {
        OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318",
      }),
    ).rejects.toThrow(
      /Not starting: OTEL_EXPORTER_OTLP_ENDPOINT 'collector:4318' must be an http:\/\/ or https:\/\/ URL/,
    );
  });
});
