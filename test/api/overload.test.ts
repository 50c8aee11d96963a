import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * A worker whose event loop is behind sheds new API requests at once: 503 with Retry-After in the calling API's
 * own error format, counted in a metric, while health, readiness and metrics still answer and readiness says
 * why it is not ready. The overload is real: the gateway runs in this process, and the test keeps its event loop
 * busy (synchronous work in most of every turn, as a flood of requests would), so the loop's measured delay and
 * utilization go over the limits below. Nothing here is timed: the test waits for the states it checks.
 */

let mock: MockUpstream;
let gateway: GatewayUnderTest;
let busy: NodeJS.Timeout | undefined;

/** Keeps this process's event loop busy 50 ms of every turn until stopped. */
function overload(): void {
  busy = setInterval(() => {
    const until = performance.now() + 50;
    while (performance.now() < until) {
      // Synchronous work: the event loop can do nothing else meanwhile.
    }
  }, 1);
}

function relieve(): void {
  clearInterval(busy);
  busy = undefined;
}

beforeAll(async () => {
  mock = await startOpenAIMock();
  const config = { openai_api_key: "sk-test-overload", openai_api_base: `${mock.url}/v1` };
  gateway = await startGateway(
    `routes:\n${routeYaml("chat", "llm/v1/chat", "openai", "gpt-4o-mini", config)}` +
      "server:\n  overload: { max_event_loop_delay_ms: 20, sample_interval_ms: 100, retry_after_seconds: 2, min_requests_in_flight: 0 }\n",
  );
});
afterAll(async () => {
  relieve();
  await gateway?.close();
  await mock?.close();
});

const messages = [{ role: "user", content: "Hello" }];

describe("a worker under overload", { timeout: 60_000 }, () => {
  it("sheds new requests in each API's format, keeps health and metrics, and says so in readiness", async () => {
    // The first sample covers the gateway's own start-up work: it may count as overloaded until the next one.
    await vi.waitFor(async () => expect((await gateway.get("/ready")).status).toBe(200), {
      timeout: 20_000,
      interval: 50,
    });
    overload();
    await vi.waitFor(async () => expect((await gateway.get("/ready")).status).toBe(503), {
      timeout: 20_000,
      interval: 50,
    });

    const openai = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(openai.status).toBe(503);
    expect(openai.headers.get("retry-after")).toBe("2");
    expect(openai.body).toMatchObject({
      error: { type: "server_error", code: "overloaded", message: expect.stringContaining("overloaded") },
    });

    const responses = await gateway.post("/v1/responses", { model: "chat", input: "Hello" });
    expect(responses.status).toBe(503);
    expect(responses.headers.get("retry-after")).toBe("2");
    expect(responses.body).toMatchObject({ error: { code: "overloaded" } });

    const anthropic = await gateway.post(
      "/v1/messages",
      { model: "chat", max_tokens: 16, messages },
      { "anthropic-version": "2023-06-01" },
    );
    expect(anthropic.status).toBe(503);
    expect(anthropic.headers.get("retry-after")).toBe("2");
    expect(anthropic.body).toMatchObject({ type: "error", error: { type: "overloaded_error" } });

    const mlflow = await gateway.post("/gateway/chat/invocations", { messages });
    expect(mlflow.status).toBe(503);
    expect(mlflow.headers.get("retry-after")).toBe("2");
    expect(mlflow.body).toMatchObject({ detail: expect.stringContaining("The gateway is overloaded") });
    expect(mlflow.headers.get("x-request-id")).toBe((mlflow.body as { request_id: string }).request_id);

    // Never shed: liveness, readiness (which says why) and metrics.
    const health = await gateway.get("/health");
    expect(health.status).toBe(200);
    const ready = await gateway.get("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: "not ready",
      checks: { overload: expect.stringContaining("overloaded, shedding new requests") },
    });
    const metrics = await gateway.get("/metrics");
    expect(metrics.status).toBe(200);
    // Each shed request counted, under the measurement that was over its limit when it came.
    const shed = [...metrics.text.matchAll(/switchyard_requests_shed_total\{reason="[a-z_]+"\} (\d+)/g)];
    expect(shed.reduce((sum, match) => sum + Number(match[1]), 0)).toBe(4);
    expect(metrics.text).toMatch(/switchyard_overloaded_workers \d/);
    // Shed before routing: nothing reached the upstream.
    expect(mock.requests).toHaveLength(0);
    expect(gateway.logs()).toContain("this worker is overloaded: shedding new API requests");

    relieve();
    await vi.waitFor(async () => expect((await gateway.get("/ready")).status).toBe(200), {
      timeout: 20_000,
      interval: 50,
    });
    const served = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(served.status).toBe(200);
    expect(gateway.logs()).toContain("this worker is no longer overloaded");
  });
});
