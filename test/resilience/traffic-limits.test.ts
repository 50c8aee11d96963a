import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { type Answer, askChat, CLIENT_APIS, type ClientApi, readAnswer, waitUntil } from "./gateway-calls.js";
import { configText, openAITarget } from "./resilience-config.js";
import { holdSlowConnection } from "./slow-client.js";
import { OPENAI_SHAPES } from "./upstream-faults.js";

/**
 * Limits on bad traffic: a route's max_in_flight, the server's body size limit, malformed JSON, a wrong content
 * type, and clients too slow to send their headers or body. Each gets a clear answer (or a closed connection)
 * while everyone else is served as usual.
 */

const MAX_IN_FLIGHT = 2;
const MAX_BODY_BYTES = 2048;

let upstream: MockUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  upstream = await startOpenAIMock();
  gateway = await startGateway(
    configText(
      [
        { name: "limited", targets: [openAITarget(upstream, "gpt-limited")], max_in_flight: MAX_IN_FLIGHT },
        { name: "free", targets: [openAITarget(upstream, "gpt-free")] },
      ],
      { max_body_bytes: MAX_BODY_BYTES, request_header_timeout_seconds: 0.5, request_timeout_seconds: 1 },
    ),
  );
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

beforeEach(() => upstream.reset());

const PATHS: Record<ClientApi, string> = {
  openai: "/v1/chat/completions",
  mlflow: "/gateway/free/invocations",
};

async function post(api: ClientApi, body: string, contentType = "application/json"): Promise<Answer> {
  const response = await fetch(`${gateway.url}${PATHS[api]}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return readAnswer(response);
}

/** The error message in the API's own format: OpenAI's envelope, or MLflow's `detail`. */
function errorMessage(api: ClientApi, answer: Answer): unknown {
  const body = answer.body as { error?: { message?: unknown }; detail?: unknown } | undefined;
  return api === "openai" ? body?.error?.message : body?.detail;
}

describe.each(CLIENT_APIS)("%s API", (api) => {
  it("refuses exactly the request beyond max_in_flight with 503 and Retry-After, then admits again", async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const body = JSON.stringify(OPENAI_SHAPES.okBody());
    for (let index = 0; index < MAX_IN_FLIGHT; index++) {
      upstream.enqueue({
        kind: "stream",
        contentType: "application/json",
        frames: [body],
        hold: { afterFrames: 0, until: held },
      });
    }
    const slow = Array.from({ length: MAX_IN_FLIGHT }, () => askChat(gateway.url, api, "limited"));
    await waitUntil(
      () => upstream.requests.length === MAX_IN_FLIGHT,
      "the limit's worth of requests is upstream",
    );

    const extra = await askChat(gateway.url, api, "limited");
    const otherRoute = await askChat(gateway.url, api, "free");
    release();
    const admitted = await Promise.all(slow);
    const after = await askChat(gateway.url, api, "limited");

    expect(extra.status).toBe(503);
    expect(Number(extra.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(errorMessage(api, extra)).toMatch(/limit of 2 requests/);
    expect(otherRoute.status).toBe(200);
    expect(admitted.map((answer) => answer.status)).toEqual([200, 200]);
    expect(after.status).toBe(200);
    // The refused request never reached the upstream.
    expect(upstream.requests.map((request) => (request.body as { model: string }).model)).toEqual([
      "gpt-limited",
      "gpt-limited",
      "gpt-free",
      "gpt-limited",
    ]);
  });

  it(`answers a body over server.max_body_bytes (${MAX_BODY_BYTES}) with 413 and a JSON error`, async () => {
    const content = "x".repeat(MAX_BODY_BYTES * 2);
    const answer = await post(api, JSON.stringify({ model: "free", messages: [{ role: "user", content }] }));

    expect(answer.status).toBe(413);
    expect(errorMessage(api, answer)).toBe(
      `The request body is larger than the gateway accepts: at most ${MAX_BODY_BYTES} bytes (${MAX_BODY_BYTES / 1024} KiB), set by server.max_body_bytes in the gateway's config.`,
    );
    expect(upstream.requests).toHaveLength(0);
  });

  it("answers malformed JSON with 400 and a JSON error", async () => {
    const answer = await post(api, '{"model": "free", "messages": [');

    expect(answer.status).toBe(400);
    expect(errorMessage(api, answer)).toMatch(/not valid JSON/);
    expect(upstream.requests).toHaveLength(0);
  });

  it("answers a body that is not declared as JSON with 415 and a JSON error", async () => {
    const answer = await post(api, JSON.stringify({ model: "free", messages: [] }), "text/plain");

    expect(answer.status).toBe(415);
    expect(errorMessage(api, answer)).toMatch(/Content-Type: application\/json/);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("a client too slow to send its request", () => {
  const served: number[] = [];
  const serveOthers = async (): Promise<void> => {
    for (const api of CLIENT_APIS) served.push((await askChat(gateway.url, api, "free")).status);
  };

  beforeEach(() => {
    served.length = 0;
  });

  it("loses its connection when its headers take longer than request_header_timeout_seconds", async () => {
    const opening = "POST /gateway/free/invocations HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";

    const result = await holdSlowConnection(gateway.url, opening, { whileOpen: serveOthers });

    expect(result.closedByServer).toBe(true);
    expect(result.received === "" || result.received.startsWith("HTTP/1.1 408")).toBe(true);
    expect(served).toEqual([200, 200]);
  });

  it("loses its connection when its body takes longer than request_timeout_seconds", async () => {
    const opening = [
      "POST /gateway/free/invocations HTTP/1.1",
      "Host: localhost",
      "Content-Type: application/json",
      "Content-Length: 1000",
      "",
      '{"messages": "',
    ].join("\r\n");

    const result = await holdSlowConnection(gateway.url, opening, { whileOpen: serveOthers });

    expect(result.closedByServer).toBe(true);
    expect(result.received === "" || result.received.startsWith("HTTP/1.1 408")).toBe(true);
    expect(served).toEqual([200, 200]);
    expect(upstream.requests.map((request) => (request.body as { model: string }).model)).toEqual([
      "gpt-free",
      "gpt-free",
    ]);
  });
});
