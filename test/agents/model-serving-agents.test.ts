import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, routeYaml, startGateway } from "../api/gateway-under-test.js";
import { expectNoSpecViolations, type MockUpstream, startMlflowServingMock } from "../mock-upstream/index.js";
import { type AgentClients, createAgentClients } from "./agent-clients.js";
import { ANTHROPIC_WEATHER_TOOL, RESPONSES_WEATHER_TOOL } from "./agent-providers.js";

/**
 * The agents' APIs on a route backed by an MLflow model server (`mlflow-model-serving`): it takes one query and
 * answers one prediction, with no stream, no tools and no token counts (shared/reference §5.8). What it can do
 * works through both SDKs, streams replayed from the whole answer; what it cannot is a 400 before any call.
 */

let mock: MockUpstream;
let gateway: GatewayUnderTest;
let clients: AgentClients;
const model = "served";

beforeAll(async () => {
  mock = await startMlflowServingMock();
  gateway = await startGateway(
    `routes:\n${routeYaml(model, "llm/v1/chat", "mlflow-model-serving", "my-model", { model_server_url: mock.url })}    retries: { max_attempts: 1 }\n`,
  );
  clients = createAgentClients(gateway.url);
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());
afterEach(async () => {
  await clients.expectSpecValid();
  expectNoSpecViolations(mock);
});

describe("the Messages API on a route backed by an MLflow model server", () => {
  it("answers the one query with the prediction and end_turn", async () => {
    const message = await clients.anthropic.messages.create({
      model,
      max_tokens: 64,
      messages: [{ role: "user", content: "Is this a test?" }],
    });
    expect(message).toMatchObject({
      content: [{ type: "text", text: "Echo: Is this a test?" }],
      stop_reason: "end_turn",
    });
    expect(mock.requests[0]?.body).toMatchObject({ inputs: ["Is this a test?"], params: { max_tokens: 64 } });
  });

  it("streams the prediction in Anthropic's event sequence", async () => {
    const stream = clients.anthropic.messages.stream({
      model,
      max_tokens: 64,
      messages: [{ role: "user", content: "Stream it" }],
    });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([{ type: "text", text: "Echo: Stream it" }]);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
  });

  it("refuses a conversation of several messages with a 400 in Anthropic's envelope, calling nothing", async () => {
    const error = await clients.anthropic.messages
      .create({
        model,
        max_tokens: 64,
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello" },
          { role: "user", content: "Again" },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBeGreaterThanOrEqual(400);
    expect((error as Error).message).toContain("single query");
    expect(mock.requests).toEqual([]);
  });

  it("refuses tools, which a served model cannot call, naming them", async () => {
    const error = await clients.anthropic.messages
      .create({
        model,
        max_tokens: 64,
        tools: [ANTHROPIC_WEATHER_TOOL],
        messages: [{ role: "user", content: "Weather?" }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain("tools");
    expect(mock.requests).toEqual([]);
  });
});

describe("the Responses API on a route backed by an MLflow model server", () => {
  it("answers a string input with the prediction", async () => {
    const response = await clients.openai.responses.create({ model, input: "Is this a test?", store: false });
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Echo: Is this a test?");
  });

  it("streams the prediction as Responses events, ending with response.completed", async () => {
    const stream = await clients.openai.responses.create({
      model,
      input: "Stream it",
      store: false,
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toBe("Echo: Stream it");
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
  });

  it("refuses function tools with a 400 naming them", async () => {
    const error = await clients.openai.responses
      .create({ model, input: "Weather?", tools: [RESPONSES_WEATHER_TOOL], store: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("tools");
    expect(mock.requests).toEqual([]);
  });
});
