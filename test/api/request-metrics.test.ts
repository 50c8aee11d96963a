import { request } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  anthropicStreamFrames,
  type MockUpstream,
  openAIChatStreamFrames,
  sseFrame,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * Every API request is counted exactly once with how it really ended, whatever happens: answered, left by its
 * client (499, before or during the answer, streams included, and when a proxy cuts the connection), or a stream
 * that started 200 and then broke (the error's status). `switchyard_requests_in_flight` always comes back to 0.
 * The access log sees the same end: exactly one line per request, with the same status.
 */

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;
/** Settled when a test ends, so that held upstream streams stay open exactly as long as a test needs them. */
let releaseHeldStreams: () => void = () => {};
let heldStreams: Promise<void>;

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const relayed = { openai_api_key: "sk-test-metrics", openai_api_base: `${openai.url}/v1` };
  const translated = { anthropic_api_key: "sk-ant-test-metrics", anthropic_api_base: `${anthropic.url}/v1` };
  gateway = await startGateway(
    `routes:\n${routeYaml("relayed", "llm/v1/chat", "openai", "gpt-4o-mini", relayed)}` +
      routeYaml("translated", "llm/v1/chat", "anthropic", "claude-3-5-sonnet-latest", translated),
  );
});
afterAll(async () => {
  releaseHeldStreams();
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});
beforeEach(() => {
  releaseHeldStreams();
  heldStreams = new Promise((resolve) => {
    releaseHeldStreams = resolve;
  });
  openai.reset();
  anthropic.reset();
});

const messages = [{ role: "user", content: "Tell me a long story about a switchyard" }];

/** The counters as they stand, so each test asserts on what it added. */
async function scrape(): Promise<(name: string, labels: Record<string, string>) => number> {
  const text = (await gateway.get("/metrics")).text;
  return (name, labels) => {
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    // Summed over the labels not asked for (e.g. every API).
    return text
      .split("\n")
      .filter((line) => line.startsWith(`${name}{`) && wanted.every((pair) => line.includes(pair)))
      .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  };
}

let requests = 0;
/** A fresh request id, to find the request's access-log line. */
function nextId(): string {
  requests++;
  return `outcome-${requests}`;
}

/** The access-log lines of the request with this id. */
function accessLines(id: string): Record<string, unknown>[] {
  return gateway
    .logs()
    .split("\n")
    .filter((line) => line.includes(`"request_id":"${id}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === "request");
}

/** Waits until the route's requests with `status` grew by one and nothing is in flight, then checks nothing else
 * was counted for the route (exactly once, with that status), and that the request's access-log line, the only
 * one, says the same. */
async function expectCountedOnce(
  route: string,
  status: number,
  before: Awaited<ReturnType<typeof scrape>>,
  id: string,
) {
  const total = (sample: Awaited<ReturnType<typeof scrape>>) =>
    [200, 499, 502, 429, 504].reduce(
      (sum, code) => sum + sample("switchyard_requests_total", { route, status: String(code) }),
      0,
    );
  await vi.waitFor(
    async () => {
      const after = await scrape();
      expect(after("switchyard_requests_total", { route, status: String(status) })).toBe(
        before("switchyard_requests_total", { route, status: String(status) }) + 1,
      );
      expect(after("switchyard_requests_in_flight", { route })).toBe(0);
      expect(total(after)).toBe(total(before) + 1);
    },
    { timeout: 5000 },
  );
  expect(accessLines(id)).toEqual([expect.objectContaining({ status, route, request_id: id })]);
}

/** Sends a request, reads until the response has `bytes` body bytes (0: as soon as the upstream got the request),
 * then closes the connection, as a client that gives up does. */
async function sendAndLeave(
  path: string,
  body: unknown,
  upstream: MockUpstream,
  id: string,
  bytes = 0,
): Promise<void> {
  const outgoing = request(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": id },
  });
  const closed = new Promise<void>((resolve) => outgoing.on("close", resolve));
  outgoing.on("error", () => {});
  let received = 0;
  const enough = new Promise<void>((resolve) => {
    if (bytes === 0) return;
    outgoing.on("response", (response) => {
      response.on("error", () => {});
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received >= bytes) resolve();
      });
    });
  });
  outgoing.end(JSON.stringify(body));
  if (bytes === 0) await vi.waitFor(() => expect(upstream.requests.length).toBe(1), { timeout: 5000 });
  else await enough;
  outgoing.destroy();
  await closed;
}

describe("request metrics", () => {
  it("counts an answered request once with its status, and nothing stays in flight", async () => {
    const id = nextId();
    const before = await scrape();
    expect(
      (await gateway.post("/gateway/relayed/invocations", { messages }, { "x-request-id": id })).status,
    ).toBe(200);
    await expectCountedOnce("relayed", 200, before, id);
  });

  it("counts a client that leaves before the answer as 499 (MLflow API)", async () => {
    const id = nextId();
    openai.enqueue({ kind: "hang" });
    const before = await scrape();
    await sendAndLeave("/gateway/relayed/invocations", { messages }, openai, id);
    await expectCountedOnce("relayed", 499, before, id);
  });

  it("counts a client that leaves before the answer as 499 (OpenAI API)", async () => {
    const id = nextId();
    openai.enqueue({ kind: "hang" });
    const before = await scrape();
    await sendAndLeave("/v1/chat/completions", { model: "relayed", messages }, openai, id);
    await expectCountedOnce("relayed", 499, before, id);
  });

  it("counts a relayed stream the client cuts mid-stream as 499, not 200", async () => {
    const id = nextId();
    openai.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: "a story in many words" }),
      hold: { afterFrames: 2, until: heldStreams },
    });
    const before = await scrape();
    await sendAndLeave("/v1/chat/completions", { model: "relayed", messages, stream: true }, openai, id, 1);
    await expectCountedOnce("relayed", 499, before, id);
  });

  it("counts a translated stream the client cuts mid-stream as 499 (deployments API)", async () => {
    const id = nextId();
    anthropic.enqueue({
      kind: "stream",
      // message_start, ping, content_block_start, then the first token: past the commit point.
      frames: anthropicStreamFrames({ text: "a story in many words" }),
      hold: { afterFrames: 4, until: heldStreams },
    });
    const before = await scrape();
    await sendAndLeave("/endpoints/translated/invocations", { messages, stream: true }, anthropic, id, 1);
    await expectCountedOnce("translated", 499, before, id);
  });

  it("counts a stream that a proxy between client and gateway cuts as 499", async () => {
    const id = nextId();
    openai.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: "a story in many words" }),
      hold: { afterFrames: 2, until: heldStreams },
    });
    const proxy = await startCuttingProxy(new URL(gateway.url).port);
    try {
      const before = await scrape();
      const response = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": id },
        body: JSON.stringify({ model: "relayed", messages, stream: true }),
      });
      // The proxy forwards the status and the first bytes, then drops both connections.
      expect(response.status).toBe(200);
      await response.text().catch(() => "");
      await expectCountedOnce("relayed", 499, before, id);
    } finally {
      await proxy.close();
    }
  });

  it("counts a stream whose upstream breaks after it started with the error's status (502), not 200", async () => {
    const id = nextId();
    openai.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: "a story" }),
      cutAfterFrames: 2,
    });
    const before = await scrape();
    const response = await gateway.post(
      "/v1/chat/completions",
      { model: "relayed", messages, stream: true },
      { "x-request-id": id },
    );
    expect(response.status).toBe(200);
    expect(response.text).toContain('"error"');
    await expectCountedOnce("relayed", 502, before, id);
  });

  it("counts a stream that ends with the upstream's own error event with that error's status", async () => {
    const id = nextId();
    const frames = openAIChatStreamFrames({ text: "a story" }).slice(0, 2);
    frames.push(
      sseFrame({ error: { message: "Slow down.", type: "requests", code: "rate_limit_exceeded" } }),
    );
    openai.enqueue({ kind: "stream", frames });
    const before = await scrape();
    const response = await gateway.post(
      "/v1/chat/completions",
      { model: "relayed", messages, stream: true },
      { "x-request-id": id },
    );
    expect(response.text).toContain("Slow down.");
    await expectCountedOnce("relayed", 429, before, id);
  });

  it("counts a translated stream that breaks with the error's status (502)", async () => {
    const id = nextId();
    anthropic.enqueue({
      kind: "stream",
      frames: anthropicStreamFrames({ text: "a story" }),
      cutAfterFrames: 5,
    });
    const before = await scrape();
    const response = await gateway.post(
      "/v1/chat/completions",
      { model: "translated", messages, stream: true },
      { "x-request-id": id },
    );
    expect(response.status).toBe(200);
    await expectCountedOnce("translated", 502, before, id);
  });
});

/**
 * A TCP proxy that forwards one connection to the gateway and, once the first bytes of the answer have reached
 * the client, closes both sides: a proxy (or load balancer) that gives up on a stream.
 */
async function startCuttingProxy(gatewayPort: string): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(gatewayPort), "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
    }
    client.pipe(upstream);
    upstream.once("data", (first: Buffer) => {
      client.write(first, () => {
        client.destroy();
        upstream.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
