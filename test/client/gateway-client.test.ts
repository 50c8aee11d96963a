import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  type ChatResponse,
  type CompletionsResponse,
  type EmbeddingsResponse,
  type FetchFunction,
  GatewayClient,
  GatewayClientError,
  GatewayUriError,
} from "../../src/client/index.js";
import { type ClientTestGateway, startClientTestGateway, TEST_ROUTE_NAMES } from "./client-test-gateway.js";

let gateway: ClientTestGateway;

beforeAll(async () => {
  gateway = await startClientTestGateway();
});

afterAll(async () => {
  await gateway.close();
});

/** A fetch that records the URLs it was asked for, then really sends them. */
function recordingFetch(): { fetch: FetchFunction; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (url, init) => {
      urls.push(url);
      return fetch(url, init);
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GatewayClientError)) throw new Error(`expected a GatewayClientError, got ${error}`);
  return error;
}

describe("GatewayClient.getRoute", () => {
  it("returns the route object with route_url made absolute", async () => {
    const client = new GatewayClient(gateway.url);
    expect(await client.getRoute("embeddings")).toEqual({
      name: "embeddings",
      route_type: "llm/v1/embeddings",
      model: { name: "mock-embed", provider: "mock" },
      route_url: `${gateway.url}/gateway/embeddings/invocations`,
      health: { targets: [{ target: "mock/mock-embed", circuit: "closed" }] },
    });
  });

  it("accepts a gateway URI with a trailing slash", async () => {
    const client = new GatewayClient(`${gateway.url}/`);
    expect(client.gatewayUri).toBe(gateway.url);
    expect((await client.getRoute("chat")).route_url).toBe(`${gateway.url}/gateway/chat/invocations`);
  });

  it("throws a 404 GatewayClientError carrying the server's detail and the route for an unknown route", async () => {
    const error = await rejection(new GatewayClient(gateway.url).getRoute("nope"));
    expect(error).toMatchObject({
      kind: "http",
      status: 404,
      route: "nope",
      detail:
        "The route 'nope' is not present or active on the server. Please verify the route name: GET /api/2.0/gateway/routes/ lists the routes.",
      method: "GET",
      url: `${gateway.url}/api/2.0/gateway/routes/nope`,
      attempts: 1,
    });
    // The gateway's id of the failed request, for finding its log lines.
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toBe(
      `Getting route 'nope' failed with HTTP 404 Not Found (GET ${gateway.url}/api/2.0/gateway/routes/nope): ` +
        "The route 'nope' is not present or active on the server. Please verify the route name: GET /api/2.0/gateway/routes/ lists the routes." +
        ` Request id: ${error.requestId}.`,
    );
  });

  it("encodes route names that need escaping in the path", async () => {
    const error = await rejection(new GatewayClient(gateway.url).getRoute("a/b c"));
    expect(error.url).toBe(`${gateway.url}/api/2.0/gateway/routes/a%2Fb%20c`);
    expect(error.status).toBe(404);
  });

  it("refuses an empty route name before sending anything", async () => {
    await expect(new GatewayClient(gateway.url).getRoute("")).rejects.toThrow(
      "A non-empty string is required for the route.",
    );
  });
});

describe("GatewayClient.searchRoutes", () => {
  it("returns every route in config order from a single page by default", async () => {
    const recorder = recordingFetch();
    const routes = await new GatewayClient(gateway.url, { fetch: recorder.fetch }).searchRoutes();
    expect(routes.map((route) => route.name)).toEqual(TEST_ROUTE_NAMES);
    expect(routes[4]).toEqual({
      name: "Chat_OpenAI",
      route_type: "llm/v1/chat",
      model: { name: "gpt-4o-mini", provider: "openai" },
      route_url: `${gateway.url}/gateway/Chat_OpenAI/invocations`,
      health: { targets: [{ target: "openai/gpt-4o-mini", circuit: "closed" }] },
    });
    expect(recorder.urls).toEqual([`${gateway.url}/api/2.0/gateway/routes/`]);
  });

  it("follows next_page_token across pages until the last one", async () => {
    const recorder = recordingFetch();
    const client = new GatewayClient(gateway.url, { fetch: recorder.fetch, pageSize: 4 });
    const routes = await client.searchRoutes();
    expect(routes.map((route) => route.name)).toEqual(TEST_ROUTE_NAMES);
    expect(recorder.urls).toHaveLength(2);
    expect(recorder.urls[0]).toBe(`${gateway.url}/api/2.0/gateway/routes/?max_results=4`);
    expect(recorder.urls[1]).toMatch(/\?max_results=4&page_token=[A-Za-z0-9%]+$/);
  });

  it("takes one request per route when pageSize is 1", async () => {
    const recorder = recordingFetch();
    const routes = await new GatewayClient(gateway.url, {
      fetch: recorder.fetch,
      pageSize: 1,
    }).searchRoutes();
    expect(routes.map((route) => route.name)).toEqual(TEST_ROUTE_NAMES);
    expect(recorder.urls).toHaveLength(TEST_ROUTE_NAMES.length);
  });

  it("refuses a pageSize outside 1 to 3000", () => {
    expect(() => new GatewayClient(gateway.url, { pageSize: 0 })).toThrow(
      "The GatewayClient option pageSize must be an integer from 1 to 3000 (got 0).",
    );
  });
});

describe("GatewayClient.query", () => {
  const client = (): GatewayClient => new GatewayClient(gateway.url);

  it("queries a chat route and returns the typed chat response", async () => {
    const reply = await client().query("chat", {
      messages: [{ role: "user", content: "Hello there" }],
      max_tokens: 16,
    });
    expectTypeOf(reply).toEqualTypeOf<ChatResponse>();
    expect(reply).toEqual({
      candidates: [
        { message: { role: "assistant", content: "Hello there" }, metadata: { finish_reason: "stop" } },
      ],
      metadata: {
        input_tokens: 2,
        output_tokens: 2,
        total_tokens: 4,
        model: "mock-echo",
        route_type: "llm/v1/chat",
      },
    });
  });

  it("queries a completions route and returns the typed completions response", async () => {
    const reply = await client().query("completions", { prompt: "one two three", candidate_count: 2 });
    expectTypeOf(reply).toEqualTypeOf<CompletionsResponse>();
    expect(reply.candidates.map((candidate) => candidate.text)).toEqual(["one two three", "one two three"]);
    expect(reply.metadata).toMatchObject({ model: "mock-echo", route_type: "llm/v1/completions" });
  });

  it("queries an embeddings route and returns the typed embeddings response", async () => {
    const reply = await client().query("embeddings", { text: ["alpha", "beta"] });
    expectTypeOf(reply).toEqualTypeOf<EmbeddingsResponse>();
    expect(reply.embeddings).toHaveLength(2);
    expect(reply.embeddings.every((vector) => vector.length === 4)).toBe(true);
    expect(reply.metadata).toMatchObject({
      output_tokens: 0,
      model: "mock-embed",
      route_type: "llm/v1/embeddings",
    });
  });

  it("forwards fields beyond the typed ones to the gateway", async () => {
    const reply = await client().query("chat", {
      messages: [{ role: "user", content: "stop here please" }],
      stop: [" please"],
      user: "someone",
    });
    expect(reply.candidates[0]?.message.content).toBe("stop here");
  });

  it("throws a 422 GatewayClientError with the gateway's explanation for a body of the wrong shape", async () => {
    const error = await rejection(client().query("chat", { prompt: "not a chat body" }));
    expect(error).toMatchObject({ kind: "http", status: 422, route: "chat", method: "POST" });
    expect(error.detail).toBe("Invalid request body: messages is required.");
    expect(error.message).toContain("Query of route 'chat' failed with HTTP 422 Unprocessable Entity");
  });

  it("throws a 404 GatewayClientError naming the route for an unknown route", async () => {
    const error = await rejection(client().query("missing", { prompt: "x" }));
    expect(error).toMatchObject({ status: 404, route: "missing" });
    expect(error.message).toContain("The route 'missing' is not present or active on the server.");
  });
});

describe("new GatewayClient", () => {
  it.each(["localhost:5000", "localhost", "127.0.0.1:5000/x", "ftp://example.com", ""])(
    "refuses the URI %j, which has no http(s) scheme or no host",
    (uri) => {
      expect(() => new GatewayClient(uri)).toThrow(GatewayUriError);
      expect(() => new GatewayClient(uri)).toThrow("needs a scheme (http or https) and a host");
    },
  );

  it("refuses credentials in the URI and points to the headers option", () => {
    expect(() => new GatewayClient("http://user:secret@127.0.0.1:5000")).toThrow("in the 'headers' option");
  });

  it("refuses a negative maxRetries", () => {
    expect(() => new GatewayClient(gateway.url, { maxRetries: -1 })).toThrow(RangeError);
  });
});
