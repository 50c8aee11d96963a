import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * A body nested thousands of levels deep (in an extra field, which the gateway forwards as it is) used to
 * overflow the stack when the body was re-serialised for the upstream: a 500. It is a 400 naming the limit,
 * in each API's own error format, before anything is sent upstream; a body within the limit still goes through.
 */

let upstream: MockUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  upstream = await startOpenAIMock();
  const config = `{ openai_api_key: sk-test-nesting-1, openai_api_base: "${upstream.url}/v1" }`;
  gateway = await startGateway(`routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: ${config} }
  - name: completions
    type: llm/v1/completions
    model: { provider: openai, name: gpt-4o-mini, config: ${config} }
  - name: embeddings
    type: llm/v1/embeddings
    model: { provider: openai, name: text-embedding-3-small, config: ${config} }
`);
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

/** A value `levels` arrays deep (built as text: JSON.stringify itself overflows the stack on such values). */
const deep = (levels: number): unknown => JSON.parse(`${"[".repeat(levels)}${"]".repeat(levels)}`);

/** The body's JSON text with `levels` nested arrays under `field`. */
function withDeepField(body: Record<string, unknown>, field: string, levels: number): string {
  const text = JSON.stringify({ ...body, [field]: "DEEP" });
  return text.replace('"DEEP"', `${"[".repeat(levels)}${"]".repeat(levels)}`);
}

const MESSAGES = { messages: [{ role: "user", content: "hi" }] };

const CALLS = [
  { api: "OpenAI", path: "/v1/chat/completions", body: { model: "chat", ...MESSAGES } },
  { api: "OpenAI", path: "/v1/chat/completions", body: { model: "chat", stream: true, ...MESSAGES } },
  { api: "OpenAI", path: "/v1/completions", body: { model: "completions", prompt: "hi" } },
  { api: "OpenAI", path: "/v1/embeddings", body: { model: "embeddings", input: "hi" } },
  { api: "MLflow", path: "/gateway/chat/invocations", body: MESSAGES },
  { api: "MLflow", path: "/gateway/embeddings/invocations", body: { text: "hi" } },
  { api: "MLflow", path: "/endpoints/chat/invocations", body: MESSAGES },
  { api: "MLflow", path: "/endpoints/completions/invocations", body: { prompt: "hi" } },
] as const;

const MESSAGE =
  "The request body nests objects and arrays more than 128 levels deep, the most this gateway accepts (setting server.max_json_depth).";

describe("deeply nested JSON bodies", () => {
  it.each(CALLS)(
    "$api API, $path: 5,000 levels in an extra field is a 400 naming the limit",
    async ({ api, path, body }) => {
      upstream.reset();
      const answer = await gateway.post(path, withDeepField(body, "user_metadata", 5000));
      expect(answer.status).toBe(400);
      // Every error body also carries the request id of the response's x-request-id header.
      const request_id = answer.headers.get("x-request-id");
      expect(request_id).toBeTruthy();
      expect(answer.body).toEqual(
        api === "OpenAI"
          ? {
              error: { message: MESSAGE, type: "invalid_request_error", param: null, code: "json_too_deep" },
              request_id,
            }
          : { detail: MESSAGE, request_id },
      );
      expect(upstream.requests).toHaveLength(0);
    },
  );

  it("refuses 129 levels and relays 128 (the default server.max_json_depth), counting the body itself", async () => {
    upstream.reset();
    const over = await gateway.post("/v1/chat/completions", {
      model: "chat",
      ...MESSAGES,
      metadata: deep(128),
    });
    expect(over.status).toBe(400);
    const within = await gateway.post("/v1/chat/completions", {
      model: "chat",
      ...MESSAGES,
      metadata: deep(127),
    });
    expect(upstream.requests).toHaveLength(1);
    const relayed = upstream.requests[0]?.body as { metadata?: unknown } | undefined;
    expect(JSON.stringify(relayed?.metadata)).toBe(JSON.stringify(deep(127)));
    // The mock refuses the unknown shape of `metadata` per OpenAI's spec; what matters is that it got it.
    expect(within.status).not.toBe(500);
  });

  it("does not count brackets inside strings", async () => {
    upstream.reset();
    const content = `${"[{".repeat(5000)} and an escaped quote \\" [[[`;
    const answer = await gateway.post("/v1/chat/completions", {
      model: "chat",
      messages: [{ role: "user", content }],
    });
    expect(answer.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
  });
});
