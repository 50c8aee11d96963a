import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, openAIChatStreamFrames, startOpenAIMock } from "../mock-upstream/index.js";

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startOpenAIMock();
});
afterAll(async () => {
  await upstream.close();
});
const gateways: GatewayUnderTest[] = [];
afterEach(async () => {
  upstream.reset();
  for (const gateway of gateways.splice(0)) await gateway.close();
});

/** A route to the OpenAI mock priced at $1000 / $2000 per million tokens: a few cents per call. */
async function gatewayWith(...extra: string[]): Promise<GatewayUnderTest> {
  const yaml = [
    "routes:",
    "  - name: chat",
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    "      name: gpt-test",
    `      config: {openai_api_key: sk-test, openai_api_base: '${upstream.url}/v1'}`,
    "    price: {input_per_mtok: 1000, output_per_mtok: 2000}",
    ...extra,
    "governance:",
    "  usage_log: {sinks: []}",
    "",
  ].join("\n");
  const gateway = await startGateway(yaml);
  gateways.push(gateway);
  return gateway;
}

const messages = [{ role: "user", content: "Hello there" }];

/** The data texts of an SSE body. */
function dataOf(text: string): string[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: "))
    .map((frame) => frame.slice(6));
}

describe("budgets and cost", () => {
  it("returns each call's cost, refuses the call that could cross the budget, and never overspends", async () => {
    const gateway = await gatewayWith("    budgets: [{amount_usd: '0.1', period: day}]");
    let spentNano = 0;
    let refused: Awaited<ReturnType<GatewayUnderTest["post"]>> | undefined;
    for (let call = 0; call < 30 && refused === undefined; call++) {
      const answer = await gateway.post("/v1/chat/completions", { model: "chat", messages, max_tokens: 10 });
      if (answer.status === 429) refused = answer;
      else {
        expect(answer.status).toBe(200);
        // 2 input tokens at $1000 and 3 output tokens ("Echo: Hello there") at $2000 per million.
        expect(answer.headers.get("x-switchyard-cost-usd")).toBe("0.008");
        expect(answer.headers.get("x-switchyard-budget-remaining-usd")).not.toBeNull();
        spentNano += 8_000_000;
      }
    }
    expect(refused?.body).toMatchObject({
      error: {
        type: "insufficient_quota",
        code: "insufficient_quota",
        limit: { scope: "route", id: "chat", name: "day", kind: "budget", limit: "0.1", per: "1 day" },
      },
    });
    expect(spentNano).toBeGreaterThan(0);
    expect(spentNano).toBeLessThanOrEqual(100_000_000);
    // Refused before the call: the upstream saw only the admitted ones.
    expect(upstream.requests).toHaveLength(spentNano / 8_000_000);
  });

  it("never refuses under an alert budget, and logs each threshold once per window", async () => {
    const gateway = await gatewayWith(
      "    budgets: [{amount_usd: '0.02', period: day, action: alert, alert_at: [0.5, 1]}]",
    );
    // $0.008 a call: the second crosses half the amount, the third the whole of it; the others cross nothing.
    for (let call = 0; call < 5; call++) {
      const answer = await gateway.post("/v1/chat/completions", { model: "chat", messages, max_tokens: 10 });
      expect(answer.status).toBe(200);
    }
    const alerts = async () => {
      await gateway.instance.app.usageLog?.flush();
      return gateway
        .logs()
        .split("\n")
        .filter((line) => line.includes("budget 'day' of route 'chat' reached"))
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
    };
    // Settles (and so alerts) land after the answers.
    for (let wait = 0; wait < 100 && (await alerts()).length < 2; wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await alerts()).toEqual([
      "budget 'day' of route 'chat' reached 50% of its amount",
      "budget 'day' of route 'chat' reached 100% of its amount",
    ]);
    expect(upstream.requests).toHaveLength(5);
  });

  it("answers MLflow's budget shape on the MLflow API", async () => {
    const gateway = await gatewayWith("    budgets: [{amount_usd: '0.000001', period: day}]");
    const refused = await gateway.post("/gateway/chat/invocations", { messages });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      detail: expect.stringMatching(
        /^Budget limit exceeded\. Limit: \$0\.00 USD per 1 day\. Budget resets at \d{4}-\d\d-\d\dT00:00:00Z\. Request rejected \(budget 'day' of route 'chat'\)\.$/,
      ),
      request_id: expect.any(String),
    });
  });
});

describe("a pricier fallback target", () => {
  /**
   * The first target cannot be reached (a closed port), so the route falls back to one a hundred times
   * pricier. With max_tokens 10 and a body of about 80 bytes, the reservation is about $0.04 at the first
   * target's price, and about $4 at the fallback's.
   */
  async function fallbackGateway(budgetUsd: string): Promise<GatewayUnderTest> {
    const target = (name: string, base: string, input: number) =>
      `      - {provider: openai, name: ${name}, config: {openai_api_key: sk-test, openai_api_base: '${base}/v1'}, price: {input_per_mtok: ${input}, output_per_mtok: ${input * 2}}}`;
    const gateway = await startGateway(
      [
        "routes:",
        "  - name: chat",
        "    type: llm/v1/chat",
        "    retries: {max_attempts: 1}",
        "    targets:",
        target("gpt-down", "http://127.0.0.1:9", 1000),
        target("gpt-pricey", upstream.url, 100000),
        `    budgets: [{amount_usd: '${budgetUsd}', period: day}]`,
        "governance:",
        "  usage_log: {sinks: []}",
        "",
      ].join("\n"),
    );
    gateways.push(gateway);
    return gateway;
  }

  it("answers 429 without calling it when the budget cannot cover its price", async () => {
    const gateway = await fallbackGateway("1");
    const refused = await gateway.post("/v1/chat/completions", { model: "chat", messages, max_tokens: 10 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect(refused.body).toMatchObject({
      error: {
        code: "insufficient_quota",
        message: expect.stringContaining("fallback target 'openai/gpt-pricey'"),
        limit: { scope: "route", id: "chat", name: "day", kind: "budget" },
      },
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it("calls it, priced at its own price, when the budget covers the difference", async () => {
    const gateway = await fallbackGateway("10");
    const answer = await gateway.post("/v1/chat/completions", { model: "chat", messages, max_tokens: 10 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-switchyard-target")).toBe("openai/gpt-pricey");
    // 2 input tokens at $100,000 and 3 output tokens at $200,000 per million.
    expect(answer.headers.get("x-switchyard-cost-usd")).toBe("0.8");
    expect(upstream.requests).toHaveLength(1);
  });
});

describe("streams", () => {
  it("asks the upstream for a stream's usage when the client did not, and leaves that chunk out", async () => {
    const gateway = await gatewayWith();
    const answer = await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(answer.status).toBe(200);
    expect((upstream.requests[0]?.body as { stream_options?: unknown } | undefined)?.stream_options).toEqual({
      include_usage: true,
    });
    const chunks = dataOf(answer.text);
    expect(chunks.at(-1)).toBe("[DONE]");
    expect(chunks.some((data) => data.includes('"usage":{'))).toBe(false);
  });

  it("adds the cost to the final usage chunk the client asked for", async () => {
    const gateway = await gatewayWith();
    const answer = await gateway.post("/v1/chat/completions", {
      model: "chat",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const usageChunk = dataOf(answer.text).find((data) => data.includes('"usage":{'));
    expect(JSON.parse(usageChunk ?? "{}").usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
      cost: 0.008,
    });
  });

  it("adds the cost to a translated stream's usage chunk too", async () => {
    const gateway = await gatewayWith();
    const answer = await gateway.post("/endpoints/chat/invocations", {
      messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      n: 1,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    });
    expect(answer.status).toBe(200);
    const usageChunk = dataOf(answer.text).find((data) => data.includes('"usage":{'));
    expect(JSON.parse(usageChunk ?? "{}").usage).toMatchObject({ cost: 0.008 });
  });

  it("cuts a stream that outruns its token limit, with an error event, and aborts the upstream", async () => {
    const gateway = await gatewayWith("    limits: {tpm: 300}", "    on_budget_exhausted_mid_stream: cut");
    const long = Array.from({ length: 400 }, (_, index) => `word${index}`).join(" ");
    upstream.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: long, includeUsage: true }),
      delayMsBetweenFrames: 1,
    });
    const answer = await gateway.post("/v1/chat/completions", {
      model: "chat",
      messages: [{ role: "user", content: "Say many words" }],
      max_tokens: 50,
      stream: true,
    });
    expect(answer.status).toBe(200);
    const chunks = dataOf(answer.text);
    const last = JSON.parse(chunks.at(-1) ?? "{}");
    expect(last.error).toMatchObject({ type: "tokens", code: "rate_limit_exceeded", limit: { name: "tpm" } });
    expect(chunks).not.toContain("[DONE]");
    // Cut after about 300 tokens (some 7 characters a word): far fewer than the 400 words sent.
    expect(chunks.length).toBeLessThan(250);
    expect(await upstream.requests[0]?.outcome).toBe("closed early");
  });

  it("lets a stream finish over its reservation under the default policy, and charges the overage", async () => {
    const gateway = await gatewayWith("    limits: {tpm: 300}");
    const long = Array.from({ length: 400 }, (_, index) => `word${index}`).join(" ");
    upstream.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: long, includeUsage: true }),
      delayMsBetweenFrames: 1,
    });
    const answer = await gateway.post("/v1/chat/completions", {
      model: "chat",
      messages: [{ role: "user", content: "Say many words" }],
      max_tokens: 50,
      stream: true,
    });
    expect(dataOf(answer.text).at(-1)).toBe("[DONE]");
    // 403 tokens used: the limit is in debt, so the next request waits.
    const next = await gateway.post("/v1/chat/completions", { model: "chat", messages, max_tokens: 5 });
    expect(next.status).toBe(429);
    expect(Number(next.headers.get("retry-after"))).toBeGreaterThan(10);
  });
});
