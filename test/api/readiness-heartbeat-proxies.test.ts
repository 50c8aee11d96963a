import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadinessChecks } from "../../src/api/readiness.js";
import {
  anthropicStreamFrames,
  type MockUpstream,
  openAIChatStreamFrames,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/** `/ready` and its registrable checks, SSE heartbeats while an upstream is silent, and trusted proxies. */

describe("GET /ready", () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway(`routes:\n${routeYaml("echo", "llm/v1/chat", "mock", "mock-echo")}`);
  });
  afterAll(() => gateway.close());

  it("is 200 once the config is loaded, while /health stays the liveness probe", async () => {
    expect(await gateway.get("/ready")).toMatchObject({
      status: 200,
      body: { status: "ready", checks: { config: "ok", governance_store: "ok" } },
    });
    expect(await gateway.get("/health")).toMatchObject({ status: 200, body: { status: "OK" } });
  });

  it("is 503, naming the failing check, while a registered dependency does not answer", async () => {
    let storeUp = false;
    const remove = gateway.instance.readiness.register("governance", async () => {
      if (!storeUp) throw new Error("the Redis store did not answer (ECONNREFUSED)");
    });
    try {
      const down = await gateway.get("/ready");
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        status: "not ready",
        checks: { config: "ok", governance: "the Redis store did not answer (ECONNREFUSED)" },
      });
      expect((await gateway.get("/health")).status).toBe(200);
      storeUp = true;
      expect(await gateway.get("/ready")).toMatchObject({
        status: 200,
        body: { checks: { config: "ok", governance: "ok" } },
      });
    } finally {
      remove();
    }
    expect((await gateway.get("/ready")).body).toEqual({
      status: "ready",
      checks: { config: "ok", governance_store: "ok" },
    });
  });
});

describe("ReadinessChecks", () => {
  it("is not ready until the config is loaded", async () => {
    const checks = new ReadinessChecks();
    expect(await checks.evaluate()).toEqual({
      ready: false,
      checks: { config: "the configuration is not loaded yet" },
    });
    checks.markConfigLoaded();
    expect((await checks.evaluate()).ready).toBe(true);
  });

  it("fails a check that does not answer within its timeout, instead of hanging the probe", async () => {
    const checks = new ReadinessChecks(50);
    checks.markConfigLoaded();
    checks.register("store", () => new Promise(() => {}));
    expect(await checks.evaluate()).toEqual({
      ready: false,
      checks: { config: "ok", store: "no answer within 50 ms" },
    });
  });

  it("refuses two checks of one name", () => {
    const checks = new ReadinessChecks();
    checks.register("store", () => {});
    expect(() => checks.register("store", () => {})).toThrow("already registered");
  });
});

/** Reads a stream until `pattern` has appeared `count` times, then calls `release` and reads the rest. */
async function readStream(
  response: Response,
  pattern: string,
  count: number,
  release: () => void,
): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  let released = false;
  while (true) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    if (!released && text.split(pattern).length - 1 >= count) {
      released = true;
      release();
    }
  }
}

describe("SSE heartbeats", () => {
  let openai: MockUpstream;
  let anthropic: MockUpstream;
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    openai = await startOpenAIMock();
    anthropic = await startAnthropicMock();
    gateway = await startGateway(
      `server:\n  sse_heartbeat_seconds: 0.1\nroutes:\n${routeYaml(
        "relayed",
        "llm/v1/chat",
        "openai",
        "gpt-4o-mini",
        {
          openai_api_key: "sk-heartbeat-test-1234",
          openai_api_base: `${openai.url}/v1`,
        },
      )}${routeYaml("translated", "llm/v1/chat", "anthropic", "claude-sonnet-4-5", {
        anthropic_api_key: "sk-ant-heartbeat-1234",
        anthropic_api_base: `${anthropic.url}/v1`,
      })}`,
    );
  });
  afterAll(async () => {
    await gateway.close();
    await openai.close();
    await anthropic.close();
  });

  const cases = [
    // Silent after the first token (role chunk and content; message_start, block start, ping and delta): the stream
    // has been committed, so the client has headers and can get comments (before it, the gateway holds the
    // response so that a target silent past first_token_seconds can still be left for another).
    {
      route: "relayed",
      mock: () => openai,
      frames: () => openAIChatStreamFrames({ text: "thought" }),
      firstToken: 2,
    },
    {
      route: "translated",
      mock: () => anthropic,
      frames: () => anthropicStreamFrames({ text: "thought" }),
      firstToken: 4,
    },
  ];

  it.each(cases)(
    "sends SSE comments while the $route upstream is silent mid-stream",
    async ({ route, mock, frames, firstToken }) => {
      let release: () => void = () => {};
      const until = new Promise<void>((resolve) => {
        release = resolve;
      });
      mock().enqueue({ kind: "stream", frames: frames(), hold: { afterFrames: firstToken, until } });
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: route, stream: true, messages: [{ role: "user", content: "think" }] }),
      });
      // The upstream holds its stream until the client has seen three heartbeats: without them, this never ends.
      const text = await readStream(response, ": keep-alive\n\n", 3, release);
      expect(text).toContain("thought");
      expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
      // Comments sit between whole frames, never inside one.
      for (const block of text.split("\n\n").filter((part) => part !== "")) {
        expect(block === ": keep-alive" || block.startsWith("data: ")).toBe(true);
      }
    },
  );
});

describe("trusted proxies", () => {
  const logged = async (gateway: GatewayUnderTest, id: string): Promise<Record<string, unknown>> => {
    for (let tries = 0; tries < 200; tries++) {
      const line = gateway
        .logs()
        .split("\n")
        .filter((entry) => entry.includes(`"request_id":"${id}"`))
        .map((entry) => JSON.parse(entry) as Record<string, unknown>)
        .find((entry) => entry.msg === "request");
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no access-log line for ${id}`);
  };

  it("takes the client address from X-Forwarded-For only when the proxy is trusted", async () => {
    const route = routeYaml("echo", "llm/v1/chat", "mock", "mock-echo");
    const trusting = await startGateway(`server:\n  trusted_proxies: [127.0.0.1]\nroutes:\n${route}`);
    const distrusting = await startGateway(`routes:\n${route}`);
    try {
      const headers = { "x-forwarded-for": "203.0.113.7", "x-request-id": "xff-1" };
      await trusting.get("/health").then(() => fetch(`${trusting.url}/health`, { headers }));
      await fetch(`${distrusting.url}/health`, { headers });
      expect((await logged(trusting, "xff-1")).client_ip).toBe("203.0.113.7");
      expect((await logged(distrusting, "xff-1")).client_ip).toBe("127.0.0.1");
    } finally {
      await trusting.close();
      await distrusting.close();
    }
  });

  it("rejects an entry that is neither an address nor a range, at load", async () => {
    await expect(
      startGateway("server:\n  trusted_proxies: [10.0.0.0/33, nginx]\nroutes: []\n"),
    ).rejects.toThrow("must be an IP address or a CIDR range");
  });
});
