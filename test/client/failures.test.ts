import { describe, expect, it } from "vitest";
import { GatewayClient, GatewayClientError, isGatewayClientError } from "../../src/client/index.js";
import { closedPortUrl } from "../support/closed-port-url.js";
import { startFixedServer, startSilentServer } from "./fault-injecting-proxy.js";

async function rejection(promise: Promise<unknown>): Promise<GatewayClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GatewayClientError)) throw new Error(`expected a GatewayClientError, got ${error}`);
  return error;
}

describe("timeouts", () => {
  it("throws a timeout error, without retrying, when the gateway does not answer within timeoutMs", async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const error = await rejection(
        new GatewayClient(silent.url, { timeoutMs: 300 }).query("chat", { prompt: "hi" }),
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(3000);
      expect(error).toMatchObject({
        kind: "timeout",
        status: undefined,
        detail: undefined,
        route: "chat",
        method: "POST",
        attempts: 1,
      });
      expect(error.message).toBe(
        `Query of route 'chat' timed out: no complete answer to POST ${silent.url}/gateway/chat/invocations ` +
          "within 300 ms. If the route is just slow, raise the 'timeoutMs' option; otherwise check that the gateway is running.",
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(silent.requests()).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it("rejects with the caller's reason, not a GatewayClientError, when the caller aborts", async () => {
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user navigated away")), 50);
      const outcome = await new GatewayClient(silent.url)
        .searchRoutes(undefined, { signal: controller.signal })
        .catch((reason: unknown) => reason);
      expect(isGatewayClientError(outcome)).toBe(false);
      expect(outcome).toEqual(new Error("user navigated away"));
    } finally {
      await silent.close();
    }
  });
});

describe("network failures", () => {
  it("throws a network error naming the cause when nothing listens at the URI", async () => {
    const url = await closedPortUrl();
    const error = await rejection(new GatewayClient(url).getRoute("chat"));
    expect(error).toMatchObject({ kind: "network", status: undefined, route: "chat", attempts: 1 });
    expect(error.message).toContain(
      `Getting route 'chat' failed: could not reach the gateway (GET ${url}/api/2.0/`,
    );
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain("Check that the gateway is running and that the URI is right.");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("does not retry a network failure", async () => {
    let calls = 0;
    const error = await rejection(
      new GatewayClient("http://gateway.invalid", {
        fetch: async () => {
          calls++;
          throw new TypeError("fetch failed", { cause: new Error("getaddrinfo ENOTFOUND gateway.invalid") });
        },
      }).searchRoutes(),
    );
    expect(calls).toBe(1);
    expect(error.kind).toBe("network");
    expect(error.message).toContain("getaddrinfo ENOTFOUND gateway.invalid");
  });
});

describe("answers that do not come from a gateway", () => {
  it("throws an http error when a 200 answer is not JSON", async () => {
    const page = await startFixedServer({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html/>",
    });
    try {
      const error = await rejection(new GatewayClient(page.url).getRoute("chat"));
      expect(error).toMatchObject({ kind: "http", status: 200, detail: "<html/>" });
      expect(error.message).toContain("is not JSON, so it did not come from a Switchyard gateway");
    } finally {
      await page.close();
    }
  });

  it("throws an http error when a route list has no routes", async () => {
    const page = await startFixedServer({ status: 200, body: JSON.stringify({ items: [] }) });
    try {
      const error = await rejection(new GatewayClient(page.url).searchRoutes());
      expect(error.message).toContain("has no 'routes' list");
    } finally {
      await page.close();
    }
  });

  it("stops when a gateway hands back the same page token twice", async () => {
    const page = await startFixedServer({
      status: 200,
      body: JSON.stringify({ routes: [], next_page_token: "x" }),
    });
    try {
      const error = await rejection(new GatewayClient(page.url).searchRoutes());
      expect(error.message).toContain("repeated a page token");
    } finally {
      await page.close();
    }
  });
});
