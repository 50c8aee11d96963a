import Anthropic from "@anthropic-ai/sdk";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropicError, expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "../openai-api/api-gateway.js";
import { API_PROVIDERS, apiProvider } from "../openai-api/api-providers.js";
import { type AgentClients, createAgentClients } from "./agent-clients.js";

/**
 * What is particular to Anthropic clients: an Anthropic route relays the client's request as it is (headers,
 * cache markers, Anthropic's own tools), other routes refuse what they cannot honour, token counting, model
 * aliases, and errors in Anthropic's envelope.
 */

const anthropicProvider = apiProvider("anthropic");
const openaiProvider = apiProvider("openai");
const BETAS = "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14";
const ALIAS = "claude-sonnet-4-5";

let setup: ProvidersGateway;
let clients: AgentClients;

beforeAll(async () => {
  setup = await startProvidersGateway(API_PROVIDERS, [
    {
      name: "claude",
      kind: "chat",
      provider: anthropicProvider,
      aliases: [ALIAS, "anthropic/claude-sonnet-4.5"],
    },
  ]);
  clients = createAgentClients(setup.gateway.url, { anthropicHeaders: { "anthropic-beta": BETAS } });
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await clients.expectSpecValid();
});

const anthropicRoute = routeName(anthropicProvider, "chat");
const openaiRoute = routeName(openaiProvider, "chat");
const upstream = () => setup.mockOf(anthropicProvider);

describe("relayed to an Anthropic route", () => {
  afterEach(() => expectNoSpecViolations(upstream()));

  it("passes the client's anthropic-version and anthropic-beta on, and nothing of them to other providers", async () => {
    await clients.anthropic.messages.create({
      model: anthropicRoute,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(upstream().requests[0]?.headers).toMatchObject({
      "anthropic-version": "2026-10-21",
      "anthropic-beta": BETAS,
      "x-api-key": String(anthropicProvider.base.config(upstream().url).anthropic_api_key),
    });
    await clients.anthropic.messages.create({
      model: openaiRoute,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hello" }],
    });
    const openaiHeaders = setup.mockOf(openaiProvider).requests[0]?.headers ?? {};
    expect(Object.keys(openaiHeaders).filter((name) => name.startsWith("anthropic"))).toEqual([]);
  });

  it("relays the body as the client sent it, but for the model, and reports the cache's usage", async () => {
    const request = {
      max_tokens: 64,
      system: [
        { type: "text" as const, text: "You are a careful agent." },
        {
          type: "text" as const,
          text: "Follow the house style.",
          cache_control: { type: "ephemeral" as const, ttl: "1h" as const },
        },
      ],
      metadata: { user_id: "user-1" },
      messages: [{ role: "user" as const, content: "Fix the failing test" }],
    };
    const first = await clients.anthropic.messages.create({ model: anthropicRoute, ...request });
    const second = await clients.anthropic.messages.create({ model: anthropicRoute, ...request });
    expect(upstream().requests[0]?.body).toEqual({ model: anthropicProvider.base.model, ...request });
    // The system prompt (9 words) is written to the cache, then read from it; the message is not cached.
    expect(first.usage).toMatchObject({
      input_tokens: 4,
      cache_creation_input_tokens: 9,
      cache_read_input_tokens: 0,
    });
    expect(second.usage).toMatchObject({
      input_tokens: 4,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 9,
    });
  });

  it("relays the client's own text, numbers as written, but for the model's value", async () => {
    const sent = (model: string): string =>
      `{"model": "${model}", "max_tokens": 64, "temperature": 0.50, "messages": [{"role":"user","content":"Hello \\"there\\""}]}`;
    const response = await fetch(`${setup.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: sent(anthropicRoute),
    });
    expect(response.status).toBe(200);
    expect(upstream().requests[0]?.rawBody).toBe(sent(anthropicProvider.base.model));
  });

  it("relays Anthropic's own tools (web search) that only Anthropic runs", async () => {
    await clients.anthropic.messages.create({
      model: anthropicRoute,
      max_tokens: 64,
      tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }],
      messages: [{ role: "user", content: "Search the news" }],
    });
    expect(upstream().requests[0]?.body).toMatchObject({
      tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }],
    });
  });

  it("removes another provider's thinking from the history before relaying, keeping Anthropic's own", async () => {
    const message = await clients.anthropic.messages.create({
      model: anthropicRoute,
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [
        { role: "user", content: "First question" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Cohere thought this", signature: "switchyard:v1:cohere:" },
            { type: "text", text: "First answer" },
          ],
        },
        { role: "user", content: "Second question" },
      ],
    });
    expect(message.content[0]).toMatchObject({ type: "thinking", signature: "sig_msg_mock_1" });
    const sent = upstream().requests[0]?.body as { messages: { content: unknown }[] };
    expect(sent.messages[1]?.content).toEqual([{ type: "text", text: "First answer" }]);
  });

  it("counts tokens with Anthropic's own counting", async () => {
    const counted = await clients.anthropic.messages.countTokens({
      model: anthropicRoute,
      system: "Be terse.",
      messages: [{ role: "user", content: "Count these words" }],
    });
    expect(counted).toEqual({ input_tokens: 5 });
    expect(upstream().requests[0]?.path).toBe("/v1/messages/count_tokens");
  });

  it("passes an upstream error on with its status in Anthropic's envelope", async () => {
    upstream().enqueue({ kind: "json", status: 529, body: anthropicError("overloaded_error", "Overloaded") });
    const error = await clients.anthropic.messages
      .create({ model: anthropicRoute, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({
      status: 529,
      error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    });
  });
});

describe("model aliases", () => {
  it("selects a route by an alias and lists the alias among the models", async () => {
    const response = await fetch(`${setup.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: ALIAS, max_tokens: 32, messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-switchyard-target")).toBe(`anthropic/${anthropicProvider.base.model}`);
    await response.text();
    const models = (await setup.gateway.get("/v1/models")).body as {
      data: { id: string; owned_by: string }[];
    };
    expect(models.data.filter((model) => model.owned_by === "anthropic").map((model) => model.id)).toEqual(
      expect.arrayContaining(["claude", ALIAS, "anthropic/claude-sonnet-4.5"]),
    );
    expect((await setup.gateway.get(`/v1/models/${ALIAS}`)).body).toMatchObject({
      id: ALIAS,
      object: "model",
    });
  });
});

describe("translated for other providers", () => {
  it("refuses Anthropic's own tools with a 400 naming the tool and the route, without calling the upstream", async () => {
    const error = await clients.anthropic.messages
      .create({
        model: openaiRoute,
        max_tokens: 64,
        tools: [{ type: "web_search_20250305", name: "web_search" }],
        messages: [{ role: "user", content: "Search the news" }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const message = (error as Error).message;
    expect(message).toContain("the web_search_20250305 tool ('tools.0')");
    expect(message).toContain(`route '${openaiRoute}'`);
    expect(setup.mockOf(openaiProvider).requests).toEqual([]);
  });

  it("estimates the tokens of a prompt with o200k_base where the provider cannot count", async () => {
    const counted = await clients.anthropic.messages.countTokens({
      model: openaiRoute,
      system: "Be terse.",
      messages: [{ role: "user", content: "Count these words, please" }],
    });
    expect(counted).toEqual({
      input_tokens: countTokens("Be terse.") + countTokens("Count these words, please"),
    });
    expect(setup.mockOf(openaiProvider).requests).toEqual([]);
  });

  it.each([
    [
      "without max_tokens",
      { messages: [{ role: "user", content: "Hi" }] },
      "max_tokens: Field required",
      "max_tokens",
    ],
    ["with messages that are not a list", { max_tokens: 8, messages: "Hi" }, "messages: must be", "messages"],
    [
      "with an unknown tool_choice",
      { max_tokens: 8, messages: [{ role: "user", content: "Hi" }], tool_choice: { type: "sometimes" } },
      "tool_choice",
      "tool_choice",
    ],
  ])("answers a body %s with Anthropic's 400 naming the field", async (_case, fields, text, param) => {
    const response = await setup.gateway.post("/v1/messages", { model: openaiRoute, ...fields });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect((response.body as { error: { message: string } }).error.message).toContain(text);
    expect((response.body as { error: { message: string } }).error.message).toContain(param);
  });

  it("answers an unknown model with Anthropic's not_found_error", async () => {
    const response = await setup.gateway.post("/v1/messages", {
      model: "no-such-route",
      max_tokens: 8,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });

  it("answers a body that is not JSON with Anthropic's 400", async () => {
    const response = await setup.gateway.post("/v1/messages", "{not json");
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});
