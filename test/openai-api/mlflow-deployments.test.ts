import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JsonResponse } from "../api/gateway-under-test.js";
import { modelFor } from "../api/provider-case.js";
import { expectNoSpecViolations, parseSseText } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS, type ApiProvider, apiProvider, replyTo } from "./api-providers.js";
import { type ApiKind, responseViolations } from "./openai-spec-checks.js";

/**
 * MLflow's deployments API (MLflow 2.9+): endpoints are the routes, and invocations take and return OpenAI-shaped
 * bodies, checked against OpenAI's spec like the OpenAI API's; errors are MLflow's `{"detail": ...}`.
 */

let setup: ProvidersGateway;

beforeAll(async () => {
  setup = await startProvidersGateway(API_PROVIDERS);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(() => {
  for (const provider of API_PROVIDERS)
    if (provider.framing !== undefined) expectNoSpecViolations(setup.mockOf(provider));
});

async function invoke(endpoint: string, body: unknown): Promise<JsonResponse> {
  return setup.gateway.post(`/endpoints/${endpoint}/invocations`, body);
}

/** `provider` relays its answers: its known differences from OpenAI's schema are set aside. */
function expectSpecValid(kind: ApiKind, response: JsonResponse, provider?: ApiProvider): void {
  const contentType = response.headers.get("content-type") ?? "";
  const known = provider?.relayedDifferences?.map((difference) => difference.pattern) ?? [];
  const violations = responseViolations(kind, { status: response.status, contentType, text: response.text });
  expect(violations.filter((violation) => !known.some((pattern) => pattern.test(violation)))).toEqual([]);
}

const ROUTE_KINDS = ["chat", "completions", "embeddings"] as const;
const ENDPOINT_TYPES = {
  chat: "llm/v1/chat",
  completions: "llm/v1/completions",
  embeddings: "llm/v1/embeddings",
};

describe("endpoints", () => {
  const endpoints = API_PROVIDERS.flatMap((provider) =>
    ROUTE_KINDS.filter((kind) => provider.serves[kind] === true).map((kind) => ({
      name: routeName(provider, kind),
      endpoint_type: ENDPOINT_TYPES[kind],
      model: { name: modelFor(provider.base, kind), provider: provider.base.provider },
      endpoint_url: `/endpoints/${routeName(provider, kind)}/invocations`,
      limit: null,
    })),
  );

  // MLflow's fields, exactly; the gateway may add its own (its targets' health).
  it("lists every route as an endpoint, in config order", async () => {
    const response = await setup.gateway.get("/api/2.0/endpoints/");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      endpoints: endpoints.map((endpoint) => expect.objectContaining(endpoint)),
      next_page_token: null,
    });
  });

  it("describes one endpoint by name", async () => {
    const response = await setup.gateway.get("/api/2.0/endpoints/anthropic-chat");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject(
      endpoints.find((endpoint) => endpoint.name === "anthropic-chat") ?? {},
    );
  });

  it("answers 404 with a detail naming an unknown endpoint", async () => {
    for (const response of [
      await setup.gateway.get("/api/2.0/endpoints/no-such-endpoint"),
      await invoke("no-such-endpoint", { messages: [{ role: "user", content: "Hello" }] }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        detail: expect.stringContaining("no-such-endpoint"),
        request_id: expect.any(String),
      });
    }
  });
});

for (const provider of API_PROVIDERS) {
  describe(`invocations of endpoints backed by ${provider.label}`, () => {
    const user = "What is an endpoint?";
    const expected = replyTo(provider, user);

    it("answers a chat body with OpenAI-shaped choices and usage", async () => {
      const response = await invoke(routeName(provider, "chat"), {
        messages: [{ role: "user", content: user }],
      });
      expect(response.status).toBe(200);
      expectSpecValid("chat", response, provider);
      expect(response.body).toMatchObject({
        object: "chat.completion",
        choices: [
          { index: 0, message: { role: "assistant", content: expected.text }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: expected.inputTokens, completion_tokens: expected.outputTokens },
      });
    });

    it("answers a completions body with OpenAI-shaped text choices", async () => {
      const response = await invoke(routeName(provider, "completions"), { prompt: user, max_tokens: 50 });
      expect(response.status).toBe(200);
      expectSpecValid("completions", response, provider);
      expect(response.body).toMatchObject({
        object: "text_completion",
        choices: [{ index: 0, text: expected.text, finish_reason: "stop" }],
      });
    });

    if (provider.serves.embeddings === true) {
      it("answers an embeddings body with OpenAI-shaped data", async () => {
        const texts = ["first", "second text"];
        const response = await invoke(routeName(provider, "embeddings"), { input: texts });
        expect(response.status).toBe(200);
        expectSpecValid("embeddings", response, provider);
        const vectors = provider.base.expectedEmbeddings(texts).vectors;
        expect(response.body).toMatchObject({
          object: "list",
          data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
        });
      });
    }

    it('streams a chat answer as OpenAI chunks ending with [DONE] for "stream": true', async () => {
      const response = await invoke(routeName(provider, "chat"), {
        messages: [{ role: "user", content: user }],
        stream: true,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream\b/);
      expectSpecValid("chat", response, provider);
      const messages = parseSseText(response.text.replace(/\r\n?/g, "\n"));
      expect(messages.at(-1)?.data).toBe("[DONE]");
      const content = messages
        .slice(0, -1)
        .map((message) => JSON.parse(message.data) as { choices: { delta: { content?: string } }[] })
        .map((chunk) => chunk.choices[0]?.delta.content ?? "")
        .join("");
      expect(content).toBe(expected.text);
    });

    it('streams a completions answer for "stream": true', async () => {
      const response = await invoke(routeName(provider, "completions"), { prompt: user, stream: true });
      expect(response.status).toBe(200);
      expectSpecValid("completions", response, provider);
      expect(response.text).toMatch(/data: \[DONE\]\s*$/);
    });
  });
}

describe("invocation bodies", () => {
  it("refuses a model in the body with 422, since the endpoint defines it", async () => {
    const response = await invoke("openai-chat", {
      model: "gpt-4o",
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      detail: expect.stringContaining("'model'"),
      request_id: expect.any(String),
    });
    expect(setup.mockOf(apiProvider("openai")).requests).toEqual([]);
  });

  it("answers n: 2 on an OpenAI endpoint with two choices", async () => {
    const response = await invoke("openai-chat", { messages: [{ role: "user", content: "Two" }], n: 2 });
    expect(response.status).toBe(200);
    expect((response.body as { choices: unknown[] }).choices).toHaveLength(2);
  });
});
