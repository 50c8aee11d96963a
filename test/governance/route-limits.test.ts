import { afterEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";

const gateways: GatewayUnderTest[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

async function gatewayWith(...routeLines: string[]): Promise<GatewayUnderTest> {
  const yaml = ["routes:", ...routeLines, "governance:", "  usage_log: {sinks: []}", ""].join("\n");
  const gateway = await startGateway(yaml);
  gateways.push(gateway);
  return gateway;
}

const CHAT = ["  - name: chat", "    type: llm/v1/chat", "    model: {provider: mock, name: mock-echo}"];
const messages = [{ role: "user", content: "Hello" }];

describe("route limits on every ingress", () => {
  it("refuses the call over MLflow's limit: with 429, Retry-After and MLflow's error shape", async () => {
    const gateway = await gatewayWith(...CHAT, "    limit: {renewal_period: minute, calls: 2}");
    for (let call = 0; call < 2; call++)
      expect((await gateway.post("/gateway/chat/invocations", { messages })).status).toBe(200);
    const refused = await gateway.post("/gateway/chat/invocations", { messages });
    expect(refused.status).toBe(429);
    // Two requests of a 2 per minute limit: the next one fits 30 s after the first.
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(20);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    expect(refused.body).toEqual({
      error: "Rate limit exceeded: 2 per 1 minute (limit 'rpm' of route 'chat')",
      request_id: expect.any(String),
    });
  });

  it("counts the OpenAI API, MLflow's gateway API and the deployments API against the same route limit", async () => {
    const gateway = await gatewayWith(...CHAT, "    limits: {rpm: 3}");
    const openai = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(openai.status).toBe(200);
    expect(openai.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(openai.headers.get("x-ratelimit-remaining-requests")).toBe("2");
    expect(openai.headers.get("x-ratelimit-reset-requests")).toBe("20s");
    expect((await gateway.post("/gateway/chat/invocations", { messages })).status).toBe(200);
    const streamed = await gateway.post("/endpoints/chat/invocations", { messages, stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    const refused = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(19);
    expect(refused.body).toMatchObject({
      error: {
        type: "requests",
        code: "rate_limit_exceeded",
        param: null,
        limit: { scope: "route", id: "chat", name: "rpm", kind: "rate", limit: 3, per: "1 minute" },
      },
    });
    expect((refused.body as { error: { message: string } }).error.message).toMatch(
      /limit 'rpm' of route 'chat' allows 3 requests per 1 minute/,
    );
    const deployments = await gateway.post("/endpoints/chat/invocations", { messages });
    expect(deployments.status).toBe(429);
    expect(deployments.body).toEqual({
      error: "Rate limit exceeded: 3 per 1 minute (limit 'rpm' of route 'chat')",
      request_id: expect.any(String),
    });
  });

  it("limits tokens with the request's own output cap as the estimate, and refuses a request that can never fit", async () => {
    const gateway = await gatewayWith(...CHAT, "    limits: {tpm: 500}");
    const small = await gateway.post("/v1/chat/completions", { model: "chat", messages, max_tokens: 100 });
    expect(small.status).toBe(200);
    expect(small.headers.get("x-ratelimit-limit-tokens")).toBe("500");
    // Without a cap, the default estimate (4096 output tokens) is more than the limit allows at once.
    const uncapped = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(uncapped.status).toBe(429);
    expect(uncapped.headers.get("retry-after")).toBeNull();
    expect(uncapped.body).toMatchObject({ error: { type: "tokens", limit: { name: "tpm", limit: 500 } } });
    expect((uncapped.body as { error: { message: string } }).error.message).toMatch(
      /Request too large for limit 'tpm'/,
    );
  });

  it("holds a place per request in flight, freed when the answer is done", async () => {
    const gateway = await gatewayWith(
      "  - name: slow",
      "    type: llm/v1/chat",
      "    model: {provider: mock, name: mock-echo, config: {latency_ms: 300}}",
      "    limits: {concurrency: 1}",
    );
    const first = gateway.post("/v1/chat/completions", { model: "slow", messages });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await gateway.post("/v1/chat/completions", { model: "slow", messages });
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ error: { limit: { kind: "concurrency", limit: 1 } } });
    expect((await first).status).toBe(200);
    expect((await gateway.post("/v1/chat/completions", { model: "slow", messages })).status).toBe(200);
  });
});

describe("gateway-wide limits", () => {
  it("count every route and every API, and name the gateway when they refuse", async () => {
    const yaml = [
      "routes:",
      ...CHAT,
      "    limits: {rpm: 100}",
      "  - name: other",
      "    type: llm/v1/chat",
      "    model: {provider: mock, name: mock-echo}",
      "governance:",
      "  limits: {rpm: 3}",
      "  usage_log: {sinks: []}",
      "",
    ].join("\n");
    const gateway = await startGateway(yaml);
    gateways.push(gateway);
    const first = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    // The tightest request limit of those that applied: the gateway's.
    expect(first.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("2");
    expect((await gateway.post("/gateway/other/invocations", { messages })).status).toBe(200);
    expect((await gateway.post("/v1/chat/completions", { model: "other", messages })).status).toBe(200);
    const refused = await gateway.post("/v1/chat/completions", { model: "chat", messages });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: { limit: { scope: "global", name: "rpm", limit: 3 } },
    });
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/the gateway/);
    const mlflow = await gateway.post("/gateway/chat/invocations", { messages });
    expect(mlflow.body).toEqual({
      error: "Rate limit exceeded: 3 per 1 minute (limit 'rpm' of the gateway)",
      request_id: expect.any(String),
    });
  });
});
