import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GatewayClient, GatewayClientError, type GatewayClientOptions } from "../../src/client/index.js";
import { type ClientTestGateway, startClientTestGateway } from "./client-test-gateway.js";
import { type FaultInjectingProxy, startFaultInjectingProxy } from "./fault-injecting-proxy.js";

let gateway: ClientTestGateway;
let proxy: FaultInjectingProxy;

beforeAll(async () => {
  gateway = await startClientTestGateway();
});

beforeEach(async () => {
  proxy = await startFaultInjectingProxy(gateway.url);
  return () => proxy.close();
});

afterAll(async () => {
  await gateway.close();
});

const HELLO = { messages: [{ role: "user" as const, content: "Hello" }] };

function client(options: GatewayClientOptions = {}): GatewayClient {
  return new GatewayClient(proxy.url, options);
}

function gapsMs(): number[] {
  return proxy.arrivals.slice(1).map((arrival, index) => arrival.atMs - (proxy.arrivals[index]?.atMs ?? 0));
}

async function rejection(promise: Promise<unknown>): Promise<GatewayClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GatewayClientError)) throw new Error(`expected a GatewayClientError, got ${error}`);
  return error;
}

describe("retries after 429 and 503", () => {
  it("retries a 503 after the seconds its Retry-After gives, then returns the gateway's answer", async () => {
    proxy.inject({ status: 503, headers: { "retry-after": "1" } });
    const reply = await client().query("chat", HELLO);
    expect(reply.candidates[0]?.message.content).toBe("Hello");
    expect(proxy.arrivals.map((arrival) => arrival.path)).toEqual([
      "/gateway/chat/invocations",
      "/gateway/chat/invocations",
    ]);
    expect(gapsMs()[0]).toBeGreaterThanOrEqual(990);
  });

  it("retries a 429 whose Retry-After is an HTTP date, waiting until that date", async () => {
    const retryAt = new Date(Date.now() + 2000).toUTCString();
    proxy.inject({ status: 429, headers: { "retry-after": retryAt } });
    const route = await client().getRoute("chat");
    expect(route.name).toBe("chat");
    expect(proxy.arrivals).toHaveLength(2);
    expect(proxy.arrivals[1]?.atMs).toBeGreaterThanOrEqual(Date.parse(retryAt) - 10);
  });

  it("backs off exponentially from retryBaseDelayMs when there is no Retry-After", async () => {
    proxy.inject({ status: 503 }, { status: 429 });
    const routes = await client({ retryBaseDelayMs: 100 }).searchRoutes();
    expect(routes.length).toBeGreaterThan(0);
    const [first = 0, second = 0] = gapsMs();
    // Jitter scales each wait by 0.5 to 1: the first lies in 50..100 ms, the second in 100..200 ms.
    expect(first).toBeGreaterThanOrEqual(45);
    expect(second).toBeGreaterThanOrEqual(95);
  });

  it("gives up after maxRetries and throws the last answer with its detail and request id", async () => {
    const busy = {
      status: 503,
      headers: { "retry-after": "0", "x-request-id": "req-123" },
      body: JSON.stringify({ detail: "The gateway is overloaded." }),
    };
    proxy.inject(busy, busy, busy, busy);
    const error = await rejection(client().query("chat", HELLO));
    expect(error).toMatchObject({
      kind: "http",
      status: 503,
      detail: "The gateway is overloaded.",
      requestId: "req-123",
      route: "chat",
      attempts: 3,
    });
    expect(error.message).toBe(
      `Query of route 'chat' failed with HTTP 503 Service Unavailable (POST ${proxy.url}/gateway/chat/invocations): ` +
        "The gateway is overloaded. Gave up after 3 attempts. Request id: req-123.",
    );
    expect(proxy.arrivals).toHaveLength(3);
  });

  it("throws at once when Retry-After asks for longer than maxRetryDelayMs", async () => {
    proxy.inject({ status: 429, headers: { "retry-after": "120" } });
    const started = Date.now();
    const error = await rejection(client({ maxRetryDelayMs: 5000 }).getRoute("chat"));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ status: 429, attempts: 1 });
    expect(error.message).toContain(
      "Not retried: Retry-After asks for 120 s, more than maxRetryDelayMs (5000 ms).",
    );
  });

  it("does not retry when maxRetries is 0", async () => {
    proxy.inject({ status: 503, headers: { "retry-after": "0" } });
    const error = await rejection(client({ maxRetries: 0 }).getRoute("chat"));
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(proxy.arrivals).toHaveLength(1);
  });

  it.each([500, 502, 504])("does not retry a %i", async (status) => {
    proxy.inject({ status, headers: { "retry-after": "0" } });
    const error = await rejection(client().getRoute("chat"));
    expect(error).toMatchObject({ status, attempts: 1, detail: `injected ${status}` });
    expect(proxy.arrivals).toHaveLength(1);
  });

  it("aborts the wait before a retry when the caller's signal is aborted", async () => {
    proxy.inject({ status: 503, headers: { "retry-after": "10" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("caller gave up")), 100);
    const started = Date.now();
    await expect(client().getRoute("chat", { signal: controller.signal })).rejects.toThrow("caller gave up");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(proxy.arrivals).toHaveLength(1);
  });
});

describe("headers and error bodies", () => {
  it("sends the extra headers on every attempt", async () => {
    proxy.inject({ status: 503, headers: { "retry-after": "0" } });
    await client({ headers: { authorization: "Bearer proxy-token", "x-team": "search" } }).getRoute("chat");
    expect(proxy.arrivals).toHaveLength(2);
    for (const arrival of proxy.arrivals) {
      expect(arrival.headers).toMatchObject({ authorization: "Bearer proxy-token", "x-team": "search" });
    }
  });

  it("suggests the headers option when a proxy answers 401", async () => {
    proxy.inject({ status: 401, body: JSON.stringify({ detail: "Missing bearer token" }) });
    const error = await rejection(client().getRoute("chat"));
    expect(error.message).toContain("Missing bearer token.");
    expect(error.message).toContain("pass them with the 'headers' option");
  });

  it("keeps the start of a non-JSON error page as the detail", async () => {
    proxy.inject({
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html>Bad Gateway</html>\n",
    });
    const error = await rejection(client().getRoute("chat"));
    expect(error).toMatchObject({ kind: "http", status: 502, detail: "<html>Bad Gateway</html>" });
  });
});
