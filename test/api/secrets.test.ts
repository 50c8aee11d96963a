import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

const KEY = "sk-test-SECRET-4f9c2a7e1b3d";
let upstream: MockUpstream;
let gateway: GatewayUnderTest;
const seen: string[] = [];

beforeAll(async () => {
  upstream = await startOpenAIMock();
  gateway = await startGateway(
    `routes:
  - name: chat
    type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4o-mini
      config: { openai_api_key: $TEST_OPENAI_KEY, openai_api_base: "${upstream.url}/v1" }
    retries: { max_attempts: 1 }
`,
    { TEST_OPENAI_KEY: KEY },
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function record(response: Promise<{ text: string; headers: Headers }>): Promise<string> {
  const { text, headers } = await response;
  const all = `${text}\n${[...headers.entries()].map(([name, value]) => `${name}: ${value}`).join("\n")}`;
  seen.push(all);
  return all;
}

const query = { messages: [{ role: "user", content: "hi" }] };

describe("provider keys never leave the gateway", () => {
  it("sends the key to the upstream, and only there", async () => {
    await record(gateway.post("/gateway/chat/invocations", query));
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("redacts a key that the upstream echoes in an error message", async () => {
    upstream.enqueue({
      kind: "json",
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${KEY}.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
    const text = await record(gateway.post("/gateway/chat/invocations", query));
    expect(text).toContain("Incorrect API key provided: [REDACTED].");
  });

  it("redacts a key inside an upstream error body passed on as the detail", async () => {
    upstream.enqueue({ kind: "json", status: 500, body: { failure: { echoed: `Bearer ${KEY}` } } });
    const text = await record(gateway.post("/gateway/chat/invocations", query));
    expect(text).toContain("[REDACTED]");
  });

  it("shows no config in route information, docs or the OpenAPI document", async () => {
    for (const path of [
      "/api/2.0/gateway/routes/",
      "/api/2.0/gateway/routes/chat",
      "/openapi.json",
      "/docs",
      "/health",
    ]) {
      const text = await record(gateway.get(path));
      expect(text).not.toContain("openai_api_key");
      expect(text).not.toContain(upstream.url);
    }
  });

  it("never wrote the key in any response, header or log line", () => {
    expect(seen.length).toBeGreaterThan(5);
    expect(gateway.logs()).toContain("HTTP 500");
    for (const text of [...seen, gateway.logs()]) expect(text).not.toContain(KEY);
  });
});
