import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

let gateway: GatewayUnderTest;

beforeAll(async () => {
  gateway = await startGateway(
    `routes:\n${routeYaml("chat", "llm/v1/chat", "mock", "mock-echo")}${routeYaml("completions", "llm/v1/completions", "mock", "mock-echo")}${routeYaml("embeddings", "llm/v1/embeddings", "mock", "mock-embed", { embedding_dimensions: 4 })}`,
  );
});
afterAll(() => gateway.close());

const chatRoute = {
  name: "chat",
  route_type: "llm/v1/chat",
  model: { name: "mock-echo", provider: "mock" },
  route_url: "/gateway/chat/invocations",
  health: { targets: [{ target: "mock/mock-echo", circuit: "closed" }] },
};

describe("health, docs and the OpenAPI document", () => {
  it("answers /health with status OK", async () => {
    const response = await gateway.get("/health");
    expect(response).toMatchObject({ status: 200, body: { status: "OK" } });
  });

  it("redirects / to /docs", async () => {
    const response = await fetch(`${gateway.url}/`, { redirect: "manual" });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/docs");
  });

  it("serves Swagger UI and its assets from the package", async () => {
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("swagger");
    const asset = await fetch(`${gateway.url}/docs/static/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it("documents the query, route and health paths in /openapi.json", async () => {
    const response = await gateway.get("/openapi.json");
    const paths = Object.keys((response.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/health",
        "/api/2.0/gateway/routes",
        "/api/2.0/gateway/routes/{name}",
        "/gateway/{name}/invocations",
      ]),
    );
    expect((response.body as { openapi: string }).openapi).toBe("3.1.0");
  });
});

describe("route information", () => {
  it("lists every route in config order with a null next_page_token", async () => {
    const response = await gateway.get("/api/2.0/gateway/routes/");
    const body = response.body as { routes: unknown[]; next_page_token: unknown };
    expect(body.routes).toHaveLength(3);
    expect(body.routes[0]).toEqual(chatRoute);
    expect(body.next_page_token).toBeNull();
  });

  it.each(["/api/2.0/gateway/routes", "/gateway/routes", "/gateway/routes/", "/routes"])(
    "serves the list at %s",
    async (path) => {
      const response = await gateway.get(path);
      expect(response.status).toBe(200);
      expect((response.body as { routes: unknown[] }).routes).toHaveLength(3);
    },
  );

  it.each([
    "/api/2.0/gateway/routes/chat",
    "/gateway/routes/chat",
    "/routes/chat",
    "/api/2.0/gateway/routes/chat/",
  ])("serves one route at %s", async (path) => {
    expect(await gateway.get(path)).toMatchObject({ status: 200, body: chatRoute });
  });

  it("pages with max_results and next_page_token until the last page", async () => {
    const names: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query: string =
        token === null ? "?max_results=2" : `?max_results=2&page_token=${encodeURIComponent(token)}`;
      const body = (await gateway.get(`/api/2.0/gateway/routes/${query}`)).body as {
        routes: { name: string }[];
        next_page_token: string | null;
      };
      names.push(...body.routes.map((route) => route.name));
      token = body.next_page_token;
      pages++;
    } while (token !== null);
    expect(pages).toBe(2);
    expect(names).toEqual(["chat", "completions", "embeddings"]);
  });

  it("answers 400 for a page token it did not issue", async () => {
    const response = await gateway.get("/api/2.0/gateway/routes/?page_token=garbage");
    expect(response.status).toBe(400);
    expect((response.body as { detail: string }).detail).toContain("page_token");
  });

  it("answers 404 naming an unknown route", async () => {
    const response = await gateway.get("/api/2.0/gateway/routes/nope");
    expect(response).toMatchObject({
      status: 404,
      body: {
        detail:
          "The route 'nope' is not present or active on the server. Please verify the route name: GET /api/2.0/gateway/routes/ lists the routes.",
      },
    });
  });

  it("answers 405 with Allow for a method the path does not serve", async () => {
    const response = await gateway.post("/api/2.0/gateway/routes/chat", {});
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect((response.body as { detail: string }).detail).toContain("Method Not Allowed");
  });

  it("serves MLflow's limits API (501 in open-source MLflow): a route without limits has none", async () => {
    const response = await gateway.get("/api/2.0/gateway/limits/chat");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ limits: [] });
  });
});

describe("queries", () => {
  const chatBody = { messages: [{ role: "user", content: "What is a gateway?" }] };

  it.each(["/gateway/chat/invocations", "/gateway/routes/chat", "/query/chat"])(
    "answers a chat query at %s",
    async (path) => {
      const response = await gateway.post(path, chatBody);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        candidates: [
          {
            message: { role: "assistant", content: "What is a gateway?" },
            metadata: { finish_reason: "stop" },
          },
        ],
        metadata: {
          input_tokens: 5,
          output_tokens: 5,
          total_tokens: 10,
          model: "mock-echo",
          route_type: "llm/v1/chat",
        },
      });
    },
  );

  it("returns candidate_count candidates", async () => {
    const response = await gateway.post("/gateway/chat/invocations", { ...chatBody, candidate_count: 3 });
    expect((response.body as { candidates: unknown[] }).candidates).toHaveLength(3);
  });

  it("answers a completions query with text candidates, cut at max_tokens", async () => {
    const response = await gateway.post("/gateway/completions/invocations", {
      prompt: "one two three four",
      max_tokens: 2,
    });
    expect(response.body).toEqual({
      candidates: [{ text: "one two", metadata: { finish_reason: "length" } }],
      metadata: {
        input_tokens: 4,
        output_tokens: 2,
        total_tokens: 6,
        model: "mock-echo",
        route_type: "llm/v1/completions",
      },
    });
  });

  it.each([
    ["text", "hello"],
    ["text", ["hello", "world"]],
    ["texts", ["hello", "world"]],
  ])("answers an embeddings query given %s", async (key, value) => {
    const response = await gateway.post("/gateway/embeddings/invocations", { [key]: value });
    const body = response.body as { embeddings: number[][]; metadata: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(body.embeddings).toHaveLength(Array.isArray(value) ? value.length : 1);
    expect(body.embeddings[0]).toHaveLength(4);
    expect(body.metadata).toMatchObject({
      output_tokens: 0,
      model: "mock-embed",
      route_type: "llm/v1/embeddings",
    });
  });

  it("gives the same vector for the same text every time", async () => {
    const first = (await gateway.post("/gateway/embeddings/invocations", { text: "stable" })).body;
    const second = (await gateway.post("/gateway/embeddings/invocations", { text: ["other", "stable"] }))
      .body as { embeddings: number[][] };
    expect((first as { embeddings: number[][] }).embeddings[0]).toEqual(second.embeddings[1]);
  });
});

describe("invalid queries", () => {
  it.each([
    ["a chat body without messages", "chat", { text: "hi" }, 422, "messages is required"],
    ["an empty message list", "chat", { messages: [] }, 422, "messages must have at least 1 item"],
    [
      "a temperature above 1",
      "chat",
      { messages: [{ role: "user", content: "x" }], temperature: 1.5 },
      422,
      "temperature must be at most 1 (got 1.5)",
    ],
    [
      "an unknown role",
      "chat",
      { messages: [{ role: "robot", content: "x" }] },
      422,
      "messages.0.role must be one of",
    ],
    [
      "candidate_count 6",
      "chat",
      { messages: [{ role: "user", content: "x" }], candidate_count: 6 },
      422,
      "candidate_count must be at most 5",
    ],
    ["an empty stop list", "chat", { messages: [{ role: "user", content: "x" }], stop: [] }, 422, "stop"],
    [
      "n instead of candidate_count",
      "chat",
      { messages: [{ role: "user", content: "x" }], n: 2 },
      422,
      "Use 'candidate_count' instead",
    ],
    [
      "a model in the body",
      "chat",
      { messages: [{ role: "user", content: "x" }], model: "gpt-4" },
      422,
      "The parameter 'model' is not permitted",
    ],
    ["a prompt that is a list", "completions", { prompt: ["a"] }, 422, "prompt must be a string"],
    ["a missing prompt", "completions", {}, 422, "prompt is required"],
    ["embeddings without text", "embeddings", { input: "x" }, 422, "text is required"],
    ["both text and texts", "embeddings", { text: "x", texts: "y" }, 422, "not both"],
    ["a body that is a list", "chat", [1, 2], 422, "must be a JSON object"],
  ])("rejects %s, naming the field", async (_case, route, body, status, detail) => {
    const response = await gateway.post(`/gateway/${route}/invocations`, body);
    expect(response.status).toBe(status);
    expect((response.body as { detail: string }).detail).toContain(detail);
  });

  it("answers malformed JSON with 400", async () => {
    const response = await gateway.post("/gateway/chat/invocations", "{not json");
    expect(response.status).toBe(400);
    expect((response.body as { detail: string }).detail).toMatch(/not valid JSON/);
  });

  it("answers an empty body with 400", async () => {
    const response = await gateway.post("/gateway/chat/invocations", "");
    expect(response.status).toBe(400);
    expect((response.body as { detail: string }).detail).toMatch(/empty/);
  });

  it("answers a form-encoded body with 415 saying to send JSON", async () => {
    const response = await gateway.post("/gateway/chat/invocations", "a=1", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(response.status).toBe(415);
    expect((response.body as { detail: string }).detail).toContain("application/json");
  });

  it("answers 404 naming an unknown route", async () => {
    const response = await gateway.post("/gateway/missing/invocations", {
      messages: [{ role: "user", content: "x" }],
    });
    expect(response.status).toBe(404);
    expect((response.body as { detail: string }).detail).toContain("'missing'");
  });

  it("answers 405 for GET on a query path", async () => {
    expect((await gateway.get("/gateway/chat/invocations")).status).toBe(405);
  });

  it("answers an unknown path with a JSON 404", async () => {
    expect(await gateway.get("/nowhere")).toMatchObject({
      status: 404,
      body: { detail: expect.stringContaining("Not Found") },
    });
  });

  it("never answers with a stack trace", async () => {
    const responses = await Promise.all([
      gateway.post("/gateway/chat/invocations", "{"),
      gateway.post("/gateway/chat/invocations", { messages: "x" }),
      gateway.get("/api/2.0/gateway/routes/?page_token=%%%"),
    ]);
    for (const response of responses) expect(response.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
  });
});

describe("Server-Timing", () => {
  it("gives the gateway's and the upstream's time on a query", async () => {
    const response = await gateway.post("/gateway/chat/invocations", {
      messages: [{ role: "user", content: "time me" }],
    });
    expect(response.headers.get("server-timing")).toMatch(
      /^gateway;dur=\d+\.\d{3}, upstream;dur=\d+\.\d{3}$/,
    );
  });

  it("gives the gateway's time on every other response, errors included", async () => {
    for (const response of [
      await gateway.get("/health"),
      await gateway.post("/gateway/missing/invocations", {}),
    ]) {
      expect(response.headers.get("server-timing")).toMatch(/^gateway;dur=\d+\.\d{3}$/);
    }
  });

  it("gives the time to the first token on a stream", async () => {
    const response = await gateway.post("/v1/chat/completions", {
      model: "chat",
      stream: true,
      messages: [{ role: "user", content: "x" }],
    });
    expect(response.headers.get("server-timing")).toMatch(/^gateway;dur=\d+\.\d{3}, ttft;dur=\d+\.\d{3}$/);
  });
});
