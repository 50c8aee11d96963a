import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAgentClients } from "../agents/agent-clients.js";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, startAnthropicMock, startOpenAIMock } from "../mock-upstream/index.js";

/**
 * Governance over the coding agents' APIs (POST /v1/messages, POST /v1/responses): limits and budgets refuse
 * with 429 in each API's own error format before any upstream call, and every call's usage and cost reach the
 * usage log, streamed or not, relayed to a same-dialect upstream or translated.
 */

let anthropic: MockUpstream;
let openai: MockUpstream;
beforeAll(async () => {
  [anthropic, openai] = await Promise.all([startAnthropicMock(), startOpenAIMock()]);
});
afterAll(async () => {
  await Promise.all([anthropic?.close(), openai?.close()]);
});
const gateways: GatewayUnderTest[] = [];
afterEach(async () => {
  anthropic.reset();
  openai.reset();
  for (const gateway of gateways.splice(0)) await gateway.close();
});

/** $1000 / $2000 per million tokens: 1,000,000 nano-USD per input token, 2,000,000 per output token. */
const PRICE = "    price: {input_per_mtok: 1000, output_per_mtok: 2000}";

/** Two routes, one per provider, each with the extra lines given. */
async function gatewayWith(extra: string[]): Promise<GatewayUnderTest> {
  const yaml = [
    "routes:",
    "  - name: claude",
    "    type: llm/v1/chat",
    "    model:",
    "      provider: anthropic",
    "      name: claude-test",
    `      config: {anthropic_api_key: sk-ant-governance, anthropic_api_base: '${anthropic.url}/v1'}`,
    PRICE,
    ...extra,
    "  - name: gpt",
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    "      name: gpt-test",
    `      config: {openai_api_key: sk-governance, openai_api_base: '${openai.url}/v1'}`,
    PRICE,
    ...extra,
    "governance:",
    "  usage_log: {sinks: [{kind: stdout}]}",
    "",
  ].join("\n");
  const gateway = await startGateway(yaml);
  gateways.push(gateway);
  return gateway;
}

const ANTHROPIC_HEADERS = { "anthropic-version": "2023-06-01" };

function messages(gateway: GatewayUnderTest, model: string, stream = false) {
  return gateway.post(
    "/v1/messages",
    { model, max_tokens: 32, stream, messages: [{ role: "user", content: "Hello there" }] },
    ANTHROPIC_HEADERS,
  );
}

function responses(gateway: GatewayUnderTest, model: string, stream = false) {
  return gateway.post("/v1/responses", {
    model,
    input: "Hello there",
    max_output_tokens: 32,
    stream,
    store: false,
  });
}

describe("limits over the agents' APIs", () => {
  it("refuses the call over a route's limit with 429 in Anthropic's and OpenAI's formats, before any upstream call", async () => {
    const gateway = await gatewayWith(["    limit: {calls: 1, renewal_period: minute}"]);
    expect((await messages(gateway, "claude")).status).toBe(200);
    const refusedMessages = await messages(gateway, "claude");
    expect(refusedMessages.status).toBe(429);
    expect(Number(refusedMessages.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refusedMessages.body).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: expect.stringContaining("route 'claude'") },
      request_id: expect.any(String),
    });
    expect(anthropic.requests).toHaveLength(1);

    expect((await responses(gateway, "gpt")).status).toBe(200);
    const refusedResponses = await responses(gateway, "gpt", true);
    expect(refusedResponses.status).toBe(429);
    expect(Number(refusedResponses.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refusedResponses.body).toMatchObject({
      error: {
        type: "requests",
        code: "rate_limit_exceeded",
        message: expect.stringContaining("route 'gpt'"),
        limit: { scope: "route", id: "gpt", kind: "rate", limit: 1, per: "1 minute" },
      },
    });
    expect(openai.requests).toHaveLength(1);
  });

  it("refuses the call that could cross a budget with 429 in each API's format, calling no upstream", async () => {
    // Far less than one call's estimate: the very first call is refused.
    const gateway = await gatewayWith(["    budgets: [{amount_usd: '0.000001', period: day}]"]);
    const refusedMessages = await messages(gateway, "claude", true);
    expect(refusedMessages.status).toBe(429);
    expect(refusedMessages.body).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error", message: expect.stringContaining("Budget exceeded") },
    });
    const refusedResponses = await responses(gateway, "claude");
    expect(refusedResponses.status).toBe(429);
    expect(refusedResponses.body).toMatchObject({
      error: { code: "insufficient_quota", limit: { scope: "route", id: "claude", kind: "budget" } },
    });
    expect(anthropic.requests).toHaveLength(0);
    const records = await gateway.usageRecords();
    expect(records.map((record) => [record.api, record.status, record.cost_nano_usd])).toEqual([
      ["anthropic", 429, null],
      ["responses", 429, null],
    ]);
  });
});

describe("usage and cost over the agents' APIs", () => {
  it("records each call's usage and cost, streamed or not, relayed or translated", async () => {
    const gateway = await gatewayWith(["    budgets: [{amount_usd: '100', period: day}]"]);
    const calls: [string, () => ReturnType<typeof messages>][] = [
      ["messages relayed", () => messages(gateway, "claude")],
      ["messages relayed, streamed", () => messages(gateway, "claude", true)],
      ["messages translated, streamed", () => messages(gateway, "gpt", true)],
      ["responses relayed", () => responses(gateway, "gpt")],
      ["responses relayed, streamed", () => responses(gateway, "gpt", true)],
      ["responses translated, streamed", () => responses(gateway, "claude", true)],
    ];
    const answers = [];
    for (const [what, send] of calls) {
      const answer = await send();
      expect(answer.status, `${what}: ${answer.text}`).toBe(200);
      answers.push(answer);
    }
    // Non-streamed answers carry their cost in a header; streams end cleanly in their own dialect.
    for (const index of [0, 3])
      expect(answers[index]?.headers.get("x-switchyard-cost-usd")).toMatch(/^0\.\d+$/);
    expect(answers[1]?.text).toContain("event: message_stop");
    expect(answers[2]?.text).toContain("event: message_stop");
    expect(answers[4]?.text).toContain("event: response.completed");
    expect(answers[5]?.text).toContain("event: response.completed");

    const records = await gateway.usageRecords();
    expect(records).toHaveLength(calls.length);
    for (const [index, record] of records.entries()) {
      const what = calls[index]?.[0];
      expect(record, what).toMatchObject({
        api: index < 3 ? "anthropic" : "responses",
        status: 200,
        stream: what?.includes("streamed") === true,
        usage_source: "provider",
        priced: true,
      });
      const input = record.input_tokens as number;
      const output = record.output_tokens as number;
      expect(input, what).toBeGreaterThan(0);
      expect(output, what).toBeGreaterThan(0);
      expect(record.cost_nano_usd, what).toBe(input * 1_000_000 + output * 2_000_000);
    }
    const header = answers[0]?.headers.get("x-switchyard-cost-usd");
    expect(Number(header) * 1e9).toBeCloseTo(records[0]?.cost_nano_usd as number, 0);
    // The budget holds what was spent, and /metrics counts it by route.
    const metrics = (await gateway.get("/metrics")).text;
    const spent = (route: string) =>
      Number(new RegExp(`switchyard_cost_usd_total\\{route="${route}"[^}]*\\} (\\S+)`).exec(metrics)?.[1]);
    const sum = (from: number, to: number) =>
      records.slice(from, to).reduce((total, record) => total + (record.cost_nano_usd as number), 0);
    // claude served calls 0, 1 and 5; gpt served 2, 3 and 4.
    expect(spent("claude") * 1e9).toBeCloseTo(sum(0, 2) + sum(5, 6), -1);
    expect(spent("gpt") * 1e9).toBeCloseTo(sum(2, 5), -1);
  });

  it("puts the cost in the final usage of every stream (usage.cost, USD), which the official SDKs still parse", async () => {
    const gateway = await gatewayWith([]);
    const clients = createAgentClients(gateway.url);
    const request = { max_tokens: 32, messages: [{ role: "user" as const, content: "Hello there" }] };
    const costs: [string, unknown][] = [];
    // Messages to claude and Responses to gpt are relayed; the other two are translated.
    for (const [model, other] of [
      ["claude", "gpt"],
      ["gpt", "claude"],
    ] as const) {
      const stream = await clients.anthropic.messages.create({ ...request, model, stream: true });
      for await (const event of stream)
        if (event.type === "message_delta") costs.push([`messages ${model}`, event.usage]);
      const responses = await clients.openai.responses.create({
        model: other,
        input: "Hello there",
        max_output_tokens: 32,
        store: false,
        stream: true,
      });
      for await (const event of responses)
        if (event.type === "response.completed") costs.push([`responses ${other}`, event.response.usage]);
    }
    await clients.expectSpecValid();
    const records = await gateway.usageRecords();
    // Relayed and translated, on both APIs: the cost the client sees is the usage log's, to the nano-dollar.
    expect(costs.map(([what]) => what)).toEqual([
      "messages claude",
      "responses gpt",
      "messages gpt",
      "responses claude",
    ]);
    for (const [index, [what, usage]] of costs.entries()) {
      const cost = (usage as { cost?: unknown }).cost;
      expect(typeof cost, what).toBe("number");
      expect(Math.round((cost as number) * 1e9), what).toBe(records[index]?.cost_nano_usd);
    }
  });
});
