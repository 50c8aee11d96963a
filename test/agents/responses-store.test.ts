import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, routeYaml, startGateway } from "../api/gateway-under-test.js";
import { expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "../openai-api/api-gateway.js";
import { apiProvider } from "../openai-api/api-providers.js";
import { type AgentClients, createAgentClients } from "./agent-clients.js";

/**
 * The Responses API's stored state: a response is stored unless the client says `store: false`, can be retrieved
 * and deleted, and continued by `previous_response_id` or referenced item by item, whichever provider serves the
 * next turn. With the store off, each of these is refused naming the setting.
 */

const anthropic = apiProvider("anthropic");
const openai = apiProvider("openai");
let setup: ProvidersGateway;
let clients: AgentClients;

beforeAll(async () => {
  setup = await startProvidersGateway([anthropic, openai]);
  clients = createAgentClients(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await clients.expectSpecValid();
  expectNoSpecViolations(setup.mockOf(anthropic));
  expectNoSpecViolations(setup.mockOf(openai));
});

const translated = routeName(anthropic, "chat");
const relayed = routeName(openai, "chat");

describe("with the store on (the default)", () => {
  it("continues a translated conversation by previous_response_id, sending the upstream the whole of it", async () => {
    const first = await clients.openai.responses.create({ model: translated, input: "My name is Ada." });
    expect(first).toMatchObject({ store: true });
    const second = await clients.openai.responses.create({
      model: translated,
      input: "What is my name?",
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(setup.mockOf(anthropic).requests[1]?.body).toMatchObject({
      messages: [
        { role: "user", content: "My name is Ada." },
        { role: "assistant", content: "Echo: My name is Ada." },
        { role: "user", content: "What is my name?" },
      ],
    });
  });

  it("continues on another provider than the one that answered first", async () => {
    const first = await clients.openai.responses.create({ model: translated, input: "Remember 42." });
    await clients.openai.responses.create({
      model: relayed,
      input: "What number?",
      previous_response_id: first.id,
    });
    const sent = setup.mockOf(openai).requests[0]?.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty("previous_response_id");
    expect(sent).toMatchObject({
      store: false,
      include: ["reasoning.encrypted_content"],
      input: [
        { role: "user", content: "Remember 42." },
        {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "Echo: Remember 42." }],
        },
        { role: "user", content: "What number?" },
      ],
    });
  });

  it("stores a streamed answer before the client sees its end, so the next turn finds it at once", async () => {
    const stream = await clients.openai.responses.create({
      model: translated,
      input: "Stream it",
      stream: true,
    });
    let id = "";
    for await (const event of stream) if (event.type === "response.completed") id = event.response.id;
    const next = await clients.openai.responses.create({
      model: translated,
      input: "And?",
      previous_response_id: id,
    });
    expect(next.status).toBe("completed");
  });

  it("retrieves a stored response, without its encrypted reasoning unless asked, and deletes it", async () => {
    const created = await clients.openai.responses.create({
      model: translated,
      input: "Think and answer",
      reasoning: { effort: "low" },
    });
    const retrieved = await clients.openai.responses.retrieve(created.id);
    expect(retrieved.output_text).toBe(created.output_text);
    const reasoning = retrieved.output.find((item) => item.type === "reasoning");
    expect(reasoning).toBeDefined();
    expect(reasoning && "encrypted_content" in reasoning).toBe(false);
    const withToken = await clients.openai.responses.retrieve(created.id, {
      include: ["reasoning.encrypted_content"],
    });
    expect(withToken.output.find((item) => item.type === "reasoning")).toMatchObject({
      encrypted_content: "switchyard:v1:anthropic:sig_msg_mock_1",
    });
    await expect(clients.openai.responses.delete(created.id)).resolves.toMatchObject({ deleted: true });
    await expect(clients.openai.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("resolves item references to stored items", async () => {
    const first = await clients.openai.responses.create({ model: translated, input: "Keep this." });
    const message = first.output.find((item) => item.type === "message");
    await clients.openai.responses.create({
      model: translated,
      input: [
        { type: "item_reference", id: message?.id ?? "" },
        { role: "user", content: "Go on." },
      ],
    });
    expect(setup.mockOf(anthropic).requests[1]?.body).toMatchObject({
      messages: [
        { role: "assistant", content: "Echo: Keep this." },
        { role: "user", content: "Go on." },
      ],
    });
  });

  it("lists a stored response's input items, newest first, page by page with stable ids", async () => {
    const created = await clients.openai.responses.create({
      model: translated,
      input: [
        { role: "user", content: "One" },
        { role: "user", content: [{ type: "input_text", text: "Two" }] },
        { role: "user", content: "Three" },
      ],
    });
    const all = await clients.openai.responses.inputItems.list(created.id);
    expect(all.data.map((item) => (item.type === "message" ? item.content : undefined))).toEqual([
      [{ type: "input_text", text: "Three" }],
      [{ type: "input_text", text: "Two" }],
      [{ type: "input_text", text: "One" }],
    ]);
    for (const item of all.data)
      expect(item).toMatchObject({ type: "message", role: "user", id: expect.stringMatching(/^msg_/) });
    const firstPage = await clients.openai.responses.inputItems.list(created.id, { limit: 2, order: "asc" });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.has_more).toBe(true);
    const secondPage = await clients.openai.responses.inputItems.list(created.id, {
      limit: 2,
      order: "asc",
      after: firstPage.data[1]?.id ?? "",
    });
    expect(secondPage.data.map((item) => item.id)).toEqual([all.data[0]?.id]);
    expect(secondPage.has_more).toBe(false);
    await expect(clients.openai.responses.inputItems.list("resp_unknown")).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it("keeps nothing for store: false", async () => {
    const created = await clients.openai.responses.create({
      model: translated,
      input: "Forget me",
      store: false,
    });
    expect(created).toMatchObject({ store: false });
    await expect(clients.openai.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const error = await clients.openai.responses
      .create({ model: translated, input: "And?", previous_response_id: created.id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: "previous_response_id" });
    expect((error as Error).message).toContain(`Previous response with id '${created.id}' not found`);
  });
});

describe("with the store off", () => {
  let gateway: GatewayUnderTest;
  let client: OpenAI;
  beforeAll(async () => {
    gateway = await startGateway(
      `routes:\n${routeYaml("echo", "llm/v1/chat", "mock", "mock-echo")}responses:\n  store:\n    kind: off\n`,
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("answers statelessly and reports store: false", async () => {
    const created = await client.responses.create({ model: "echo", input: "Hello" });
    expect(created).toMatchObject({ status: "completed", store: false, output_text: "Hello" });
  });

  it.each([
    [
      "previous_response_id",
      () => client.responses.create({ model: "echo", input: "x", previous_response_id: "resp_1" }),
    ],
    ["retrieving", () => client.responses.retrieve("resp_1")],
    ["deleting", () => client.responses.delete("resp_1")],
    ["listing input items", () => client.responses.inputItems.list("resp_1")],
    [
      "an item_reference",
      () => client.responses.create({ model: "echo", input: [{ type: "item_reference", id: "msg_1" }] }),
    ],
  ])("refuses %s with a 400 naming the setting", async (_what, call) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("responses.store.kind: off");
  });
});
