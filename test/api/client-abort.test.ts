import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type MockUpstream, openAIError, startOpenAIMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * A client that goes away cancels what the gateway was doing for it: the upstream call it was waiting for (so
 * nobody pays for an answer nobody reads), whichever API and path it came through, and a retry's wait.
 */

let mock: MockUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  mock = await startOpenAIMock();
  const config = { openai_api_key: "sk-test-abort", openai_api_base: `${mock.url}/v1` };
  gateway = await startGateway(
    `routes:\n${routeYaml("chat", "llm/v1/chat", "openai", "gpt-4o-mini", config)}` +
      `${routeYaml("retrying", "llm/v1/chat", "openai", "gpt-4o-mini", config)}    retries: {max_attempts: 3}\n`,
  );
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

/** Sends a request and, once the upstream has received `upstreamRequests` requests, closes the connection. */
async function sendAndLeave(path: string, body: unknown, upstreamRequests = 1): Promise<void> {
  const outgoing = request(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
  });
  const closed = new Promise<void>((resolve) => outgoing.on("close", resolve));
  outgoing.on("error", () => {});
  outgoing.end(JSON.stringify(body));
  await vi.waitFor(() => expect(mock.requests.length).toBe(upstreamRequests), { timeout: 5000 });
  outgoing.destroy();
  await closed;
}

const messages = [{ role: "user", content: "Hello" }];
const hanging = { kind: "hang" } as const;

describe("a client that goes away", () => {
  it("cancels the upstream call of an MLflow API request (translated)", async () => {
    mock.enqueue(hanging);
    await sendAndLeave("/gateway/chat/invocations", { messages });
    expect(await mock.requests[0]?.outcome).toBe("closed early");
  });

  it("cancels the upstream call of an OpenAI API request (pass-through)", async () => {
    mock.enqueue(hanging);
    await sendAndLeave("/v1/chat/completions", { model: "chat", messages });
    expect(await mock.requests[0]?.outcome).toBe("closed early");
  });

  it("cancels the upstream call of a stream that has not started yet", async () => {
    mock.enqueue(hanging);
    await sendAndLeave("/v1/chat/completions", { model: "chat", messages, stream: true });
    expect(await mock.requests[0]?.outcome).toBe("closed early");
  });

  it("stops a retry's wait: no further attempt reaches the upstream", async () => {
    // A 503 asking for a 1 s wait: a retry after the client left would show as a second upstream request.
    mock.enqueue({
      kind: "json",
      status: 503,
      body: openAIError("Busy.", "server_error"),
      headers: { "retry-after": "1" },
    });
    await sendAndLeave("/gateway/retrying/invocations", { messages });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mock.requests).toHaveLength(1);
    const next = await gateway.post("/gateway/chat/invocations", { messages });
    expect(next.status).toBe(200);
  });

  it("never sends upstream a request whose client left before it was routed, and logs no error", async () => {
    const { port } = new URL(gateway.url);
    const socket = connect(Number(port), "127.0.0.1");
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const body = JSON.stringify({ model: "chat", messages });
    // The headers and half the body, then the client goes: the request can never be routed.
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `x-request-id: left-early\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    // Once the gateway has the request under way (its access-log line is written when it ends, with its id).
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    // Its access-log line says it ended.
    await vi.waitFor(() => expect(gateway.logs()).toContain('"request_id":"left-early"'), { timeout: 5000 });
    // As a client that closed its request (499), not a bad request: the 400 for the cut body reached no one.
    const line = gateway
      .logs()
      .split("\n")
      .find((entry) => entry.includes('"request_id":"left-early"'));
    expect(JSON.parse(line as string)).toMatchObject({ status: 499 });
    expect(mock.requests).toHaveLength(0);
    expect(gateway.logs()).not.toContain('"level":50');
  });

  it("logs a client that went away in the access log (499), never as an error", async () => {
    mock.enqueue(hanging);
    await sendAndLeave("/v1/chat/completions", { model: "chat", messages });
    await vi.waitFor(() => expect(gateway.logs()).toMatch(/"status":499/), { timeout: 5000 });
    const errors = gateway
      .logs()
      .split("\n")
      .filter((line) => line.includes('"level":50'));
    expect(errors).toEqual([]);
  });
});
