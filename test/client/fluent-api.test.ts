import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClientTestGateway, startClientTestGateway, TEST_ROUTE_NAMES } from "./client-test-gateway.js";

type ClientModule = typeof import("../../src/client/index.js");

const ENV_NAMES = ["SWITCHYARD_GATEWAY_URI", "MLFLOW_GATEWAY_URI"] as const;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

let gateway: ClientTestGateway;
/** A fresh copy of the client module for each test, so the fluent API's state starts empty. */
let client: ClientModule;

beforeAll(async () => {
  gateway = await startClientTestGateway();
});

afterAll(async () => {
  await gateway.close();
});

beforeEach(async () => {
  for (const name of ENV_NAMES) delete process.env[name];
  vi.resetModules();
  client = await import("../../src/client/index.js");
});

afterEach(() => {
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

const NO_URI =
  "No gateway URI has been set: call setGatewayUri('http://host:port') or set the environment variable " +
  "SWITCHYARD_GATEWAY_URI (or MLFLOW_GATEWAY_URI) to the running gateway's URI.";

describe("the fluent API's gateway URI", () => {
  it("throws a GatewayUriError when no URI is set anywhere", () => {
    expect(() => client.getGatewayUri()).toThrow(client.GatewayUriError);
    expect(() => client.getGatewayUri()).toThrow(NO_URI);
  });

  it("rejects the fluent calls with the same error when no URI is set", async () => {
    await expect(client.getRoute("chat")).rejects.toThrow(NO_URI);
    await expect(client.searchRoutes()).rejects.toThrow(NO_URI);
    await expect(client.query("chat", { prompt: "x" })).rejects.toThrow(NO_URI);
  });

  it("returns the URI set with setGatewayUri, without a trailing slash", () => {
    client.setGatewayUri(`${gateway.url}/`);
    expect(client.getGatewayUri()).toBe(gateway.url);
  });

  it.each(["localhost", "localhost:5000", "127.0.0.1", "//127.0.0.1:5000"])(
    "refuses %j, which lacks a scheme or host, and keeps the previous URI",
    (uri) => {
      client.setGatewayUri(gateway.url);
      expect(() => client.setGatewayUri(uri)).toThrow(
        `The gateway URI ${JSON.stringify(uri)} is missing required elements: it needs a scheme (http or https) and a host; write it like http://127.0.0.1:5000.`,
      );
      expect(client.getGatewayUri()).toBe(gateway.url);
    },
  );

  it("takes SWITCHYARD_GATEWAY_URI from the environment when none is set", () => {
    process.env.SWITCHYARD_GATEWAY_URI = "http://gateway.example:8080/";
    expect(client.getGatewayUri()).toBe("http://gateway.example:8080");
  });

  it("falls back to MLFLOW_GATEWAY_URI, for users coming from MLflow", () => {
    process.env.MLFLOW_GATEWAY_URI = "http://mlflow-gateway.example:5000";
    expect(client.getGatewayUri()).toBe("http://mlflow-gateway.example:5000");
  });

  it("prefers SWITCHYARD_GATEWAY_URI over MLFLOW_GATEWAY_URI", () => {
    process.env.SWITCHYARD_GATEWAY_URI = "http://switchyard.example";
    process.env.MLFLOW_GATEWAY_URI = "http://mlflow.example";
    expect(client.getGatewayUri()).toBe("http://switchyard.example");
  });

  it("treats an empty variable as unset", () => {
    process.env.SWITCHYARD_GATEWAY_URI = "";
    process.env.MLFLOW_GATEWAY_URI = "http://mlflow.example";
    expect(client.getGatewayUri()).toBe("http://mlflow.example");
  });

  it("prefers the URI set in code over the environment", () => {
    process.env.SWITCHYARD_GATEWAY_URI = "http://from-env.example";
    client.setGatewayUri("http://from-code.example");
    expect(client.getGatewayUri()).toBe("http://from-code.example");
  });

  it("names the variable when the environment's URI is malformed", () => {
    process.env.MLFLOW_GATEWAY_URI = "localhost:5000";
    expect(() => client.getGatewayUri()).toThrow(
      'The gateway URI in MLFLOW_GATEWAY_URI "localhost:5000" is missing required elements',
    );
  });
});

describe("the fluent calls against a running gateway", () => {
  it("gets a route, searches routes and queries, through the URI set in code", async () => {
    client.setGatewayUri(gateway.url);
    expect(await client.getRoute("chat")).toMatchObject({ name: "chat", model: { provider: "mock" } });
    expect((await client.searchRoutes()).map((route) => route.name)).toEqual(TEST_ROUTE_NAMES);
    expect((await client.searchRoutes("model.provider = 'anthropic'")).map((route) => route.name)).toEqual([
      "claude",
    ]);
    const reply = await client.query("completions", { prompt: "fluent" });
    expect(reply.candidates[0]?.text).toBe("fluent");
  });

  it("uses the URI from SWITCHYARD_GATEWAY_URI and follows a change to it", async () => {
    process.env.SWITCHYARD_GATEWAY_URI = "http://127.0.0.1:1";
    await expect(client.getRoute("chat")).rejects.toMatchObject({ kind: "network" });
    process.env.SWITCHYARD_GATEWAY_URI = gateway.url;
    expect((await client.getRoute("chat")).route_url).toBe(`${gateway.url}/gateway/chat/invocations`);
  });

  it("passes the options given to setGatewayUri to its client", async () => {
    const urls: string[] = [];
    client.setGatewayUri(gateway.url, {
      pageSize: 2,
      fetch: (url, init) => {
        urls.push(url);
        return fetch(url, init);
      },
    });
    expect(await client.searchRoutes()).toHaveLength(TEST_ROUTE_NAMES.length);
    expect(urls).toHaveLength(3);
  });

  it("propagates GatewayClientError from the fluent calls", async () => {
    client.setGatewayUri(gateway.url);
    const error = await client.getRoute("absent").catch((reason: unknown) => reason);
    expect(client.isGatewayClientError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, route: "absent" });
  });
});
