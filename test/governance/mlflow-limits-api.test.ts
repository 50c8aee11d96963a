import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";

/**
 * MLflow's limits API (`get_limits` / `set_limits` of the MLflow client), which the open-source MLflow gateway
 * answers with 501: here it reads the route's request limits in MLflow's form and replaces them at run time.
 */
let gateway: GatewayUnderTest;
beforeAll(async () => {
  gateway = await startGateway(`routes:
  - name: chat
    type: llm/v1/chat
    limit: {renewal_period: minute, calls: 50}
    model: {provider: mock, name: mock-echo}
  - name: metered
    type: llm/v1/chat
    limits: {tpm: 100000, rpm: 40}
    model: {provider: mock, name: mock-echo}
  - name: open
    type: llm/v1/chat
    model: {provider: mock, name: mock-echo}
governance:
  usage_log: {sinks: []}
`);
});
afterAll(async () => {
  await gateway?.close();
});

const messages = [{ role: "user", content: "Hello" }];
const limitsOf = async (route: string) => (await gateway.get(`/api/2.0/gateway/limits/${route}`)).body;

describe("GET /api/2.0/gateway/limits/{route} (get_limits)", () => {
  it("answers the route's limit: in MLflow's form, an empty list for a route without one, 404 for no route", async () => {
    expect(await limitsOf("open")).toEqual({ limits: [] });
    const unknown = await gateway.get("/api/2.0/gateway/limits/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      detail:
        "The route 'nope' is not present or active on the server. Please verify the route name: GET /api/2.0/gateway/routes/ lists the routes.",
      request_id: expect.any(String),
    });
    const deployments = await gateway.get("/api/2.0/endpoints/limits/open");
    expect(deployments.status).toBe(200);
    expect(deployments.body).toEqual({ limits: [] });
  });
});

describe("POST /api/2.0/gateway/limits (set_limits)", () => {
  it("replaces the route's request limits from the next call on, as the endpoint object and get_limits show", async () => {
    expect(await limitsOf("chat")).toEqual({
      limits: [{ calls: 50, key: null, renewal_period: "minute" }],
    });
    const set = await gateway.post("/api/2.0/gateway/limits/", {
      route: "chat",
      limits: [{ calls: 2, renewal_period: "day" }],
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ limits: [{ calls: 2, key: null, renewal_period: "day" }] });
    expect(await limitsOf("chat")).toEqual(set.body);
    const endpoint = await gateway.get("/api/2.0/endpoints/chat");
    expect((endpoint.body as { limit: unknown }).limit).toEqual({
      calls: 2,
      key: null,
      renewal_period: "day",
    });
    for (let call = 0; call < 2; call++)
      expect((await gateway.post("/gateway/chat/invocations", { messages })).status).toBe(200);
    const refused = await gateway.post("/gateway/chat/invocations", { messages });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: "Rate limit exceeded: 2 per 1 day (limit 'rpd' of route 'chat')",
      request_id: expect.any(String),
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3600);
    // limits: [] removes the request limits: the route answers again.
    const cleared = await gateway.post("/api/2.0/endpoints/limits", { route: "chat", limits: [] });
    expect(cleared.body).toEqual({ limits: [] });
    expect((await gateway.post("/gateway/chat/invocations", { messages })).status).toBe(200);
    expect(((await gateway.get("/api/2.0/endpoints/chat")).body as { limit: unknown }).limit).toBeNull();
  });

  it("keeps the route's token limit when it replaces the request limits", async () => {
    await gateway.post("/api/2.0/gateway/limits", {
      route: "metered",
      limits: [{ calls: 1000, renewal_period: "hour" }],
    });
    const answer = await gateway.post("/v1/chat/completions", { model: "metered", messages, max_tokens: 10 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-ratelimit-limit-tokens")).toBe("100000");
    expect(answer.headers.get("x-ratelimit-limit-requests")).toBe("1000");
    // Far above the token limit at once: refused by it, so it still applies.
    const tooBig = await gateway.post("/v1/chat/completions", {
      model: "metered",
      messages,
      max_tokens: 200_000,
    });
    expect(tooBig.status).toBe(429);
    expect(tooBig.body).toMatchObject({ error: { limit: { name: "tpm" } } });
  });

  it("refuses a bad body with 422 naming the field, and an unknown route with 404; nothing changes", async () => {
    const cases: [unknown, string | RegExp][] = [
      [{ route: "open", limits: [{ calls: 0, renewal_period: "minute" }] }, /limits\.0\.calls/],
      [{ route: "open", limits: [{ calls: 5, renewal_period: "fortnight" }] }, /limits\.0\.renewal_period/],
      [
        { route: "open", limits: [{ calls: 5, renewal_period: "minute", key: "alice" }] },
        /limits\.0\.key: must be null/,
      ],
      [
        {
          route: "open",
          limits: [
            { calls: 5, renewal_period: "minute" },
            { calls: 9, renewal_period: "minute" },
          ],
        },
        /each renewal_period at most once/,
      ],
      [{ limits: [] }, /route/],
      [{ route: "open" }, /limits/],
      [[], /expected \{"route"/],
    ];
    for (const [body, message] of cases) {
      const response = await gateway.post("/api/2.0/gateway/limits", body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((response.body as { detail: string }).detail).toMatch(message);
    }
    const unknown = await gateway.post("/api/2.0/gateway/limits", { route: "nope", limits: [] });
    expect(unknown.status).toBe(404);
    const malformed = await gateway.post("/api/2.0/gateway/limits", "{not json");
    expect(malformed.status).toBe(400);
    expect(await limitsOf("open")).toEqual({ limits: [] });
  });
});
