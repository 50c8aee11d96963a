import OpenAI from "openai";
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { TOOL_CALL_ARGUMENTS } from "../mock-upstream/index.js";
import { routeName } from "../openai-api/api-gateway.js";
import { replyTo } from "../openai-api/api-providers.js";
import { TOOL_PROMPT } from "../openai-api/chat-stream-accumulator.js";
import { useAgentGateway } from "./agent-gateway.js";
import {
  AGENT_PROVIDERS,
  expectToolRoundTrip,
  expectTranslatedThinking,
  RESPONSES_WEATHER_TOOL,
  reasoningOf,
} from "./agent-providers.js";

/**
 * OpenAI's Responses API through the official `openai` SDK (`responses.create`, streamed and not), statelessly as
 * Codex uses it (`store: false`), on a route per provider: answers, streams, usage, function tools over two turns,
 * reasoning with its encrypted content passed back, and settings reaching each upstream in its own shape. OpenAI
 * routes relay the request to OpenAI's Responses API; the others translate it. Every answer is checked against
 * OpenAI's schemas and stream rules, and every upstream request against the upstream's spec.
 */

const agent = useAgentGateway();

for (const provider of AGENT_PROVIDERS) {
  describe(`the Responses API on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "chat");
    const upstreamBodies = () =>
      provider.framing === undefined
        ? []
        : agent.setup.mockOf(provider).requests.map((request) => request.body);

    it("answers a string input with the upstream's reply and the upstream's token counts", async () => {
      const user = "What is a gateway?";
      const expected = replyTo(provider, user);
      const response = await agent.clients.openai.responses.create({ model, input: user, store: false });
      expect(response).toMatchObject({ object: "response", status: "completed", error: null });
      expect(response.output_text).toBe(expected.text);
      expect(response.usage).toMatchObject({
        input_tokens: expected.inputTokens,
        output_tokens: expected.outputTokens,
        total_tokens: expected.inputTokens + expected.outputTokens,
      });
      expect(response.id).toMatch(/^resp_/);
    });

    it("streams the answer as Responses events, ending with response.completed and its usage", async () => {
      const user = "Stream a short answer";
      const expected = replyTo(provider, user);
      const stream = await agent.clients.openai.responses.create({
        model,
        input: user,
        store: false,
        stream: true,
      });
      const events: { type: string }[] = [];
      let text = "";
      for await (const event of stream) {
        events.push(event);
        if (event.type === "response.output_text.delta") text += event.delta;
      }
      expect(text).toBe(expected.text);
      expect(events[0]?.type).toBe("response.created");
      const completed = events.at(-1) as { type: string; response: OpenAI.Responses.Response };
      expect(completed.type).toBe("response.completed");
      expect(completed.response.output_text ?? completed.response.output).toBeDefined();
      expect(completed.response.usage).toMatchObject({
        input_tokens: expected.inputTokens,
        output_tokens: expected.outputTokens,
      });
    });

    it("sends instructions, max_output_tokens and a JSON schema format to the upstream in its own shape", async () => {
      const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
      await agent.clients.openai.responses.create({
        model,
        instructions: "Answer in JSON.",
        input: [{ role: "user", content: "Hello there" }],
        max_output_tokens: 200,
        text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
        store: false,
      });
      const [body] = upstreamBodies();
      if (provider.label === "openai") {
        expect(body).toMatchObject({
          instructions: "Answer in JSON.",
          max_output_tokens: 200,
          text: { format: { type: "json_schema", name: "answer", schema } },
          store: false,
        });
      } else if (provider.label === "anthropic") {
        expect(body).toMatchObject({
          system: "Answer in JSON.",
          max_tokens: 200,
          output_config: { format: { type: "json_schema", schema } },
        });
      } else if (provider.label === "cohere") {
        expect(body).toMatchObject({
          messages: [{ role: "system", content: "Answer in JSON." }, { role: "user" }],
          max_tokens: 200,
          response_format: { type: "json_object", json_schema: schema },
        });
      }
    });

    const cut = provider.base.lengthLimitedAnswer;
    // OpenAI routes relay to OpenAI's Responses API, whose own answer comes back as it is.
    if (provider.framing !== undefined && cut !== undefined && provider.label !== "openai") {
      it("maps an answer cut at the token limit to an incomplete response (max_output_tokens)", async () => {
        agent.setup.mockOf(provider).enqueue(cut);
        const response = await agent.clients.openai.responses.create({
          model,
          input: "Tell me a long story",
          max_output_tokens: 16,
          store: false,
        });
        expect(response.status).toBe("incomplete");
        expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
        expect(response.output_text).toBe("Echo: Tell");
      });
    }

    if (provider.tools !== true) {
      it.skip(`uses function tools (skipped: ${provider.tools})`, () => {});
    } else {
      it("calls a function tool, then takes the call's output back in the next turn", async () => {
        const input: ResponseInputItem[] = [{ role: "user", content: TOOL_PROMPT }];
        const first = await agent.clients.openai.responses.create({
          model,
          input,
          tools: [RESPONSES_WEATHER_TOOL],
          store: false,
        });
        const call = first.output.find((item) => item.type === "function_call");
        expect(call).toMatchObject({
          type: "function_call",
          call_id: provider.firstToolCallId?.("get_weather"),
          name: "get_weather",
        });
        const callId = call?.type === "function_call" ? call.call_id : "";
        expect(JSON.parse(call?.type === "function_call" ? call.arguments : "")).toEqual(
          JSON.parse(TOOL_CALL_ARGUMENTS),
        );
        input.push(...(first.output as ResponseInputItem[]), {
          type: "function_call_output",
          call_id: callId,
          output: "Sunny, 21 C",
        });
        const second = await agent.clients.openai.responses.create({
          model,
          input,
          tools: [RESPONSES_WEATHER_TOOL],
          store: false,
        });
        expect(second.status).toBe("completed");
        expectToolRoundTrip(provider, upstreamBodies()[1], callId, "Sunny, 21 C");
      });
    }

    const reasoning = reasoningOf(provider);
    if (reasoning.unsupported !== undefined) {
      it("refuses reasoning with a 400 naming the feature and the route", async () => {
        const error = await agent.clients.openai.responses
          .create({ model, input: "Think first", reasoning: { effort: "low" }, store: false })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect(error).toMatchObject({ status: 400, param: "reasoning.effort" });
        expect((error as Error).message).toContain(`route '${model}'`);
      });
      return;
    }

    it("reasons when asked, returns the encrypted reasoning, and takes it back in the next turn", async () => {
      const input: ResponseInputItem[] = [{ role: "user", content: TOOL_PROMPT }];
      const request = {
        model,
        reasoning: { effort: "low" as const, summary: "auto" as const },
        include: ["reasoning.encrypted_content" as const],
        tools: [RESPONSES_WEATHER_TOOL],
        store: false,
      };
      const first = await agent.clients.openai.responses.create({ ...request, input });
      const item = first.output.find((entry) => entry.type === "reasoning");
      if (reasoning.responsesToken === undefined) expect(item).toBeUndefined();
      else {
        expect(item).toMatchObject({
          type: "reasoning",
          summary: [{ type: "summary_text", text: `Thinking about: ${TOOL_PROMPT}` }],
          encrypted_content: reasoning.responsesToken,
        });
      }
      if (reasoning.reportsReasoningTokens)
        expect(first.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
      const call = first.output.find((entry) => entry.type === "function_call");
      const callId = call?.type === "function_call" ? call.call_id : "";
      input.push(...(first.output as ResponseInputItem[]), {
        type: "function_call_output",
        call_id: callId,
        output: "Sunny",
      });
      // The upstream refuses reasoning it did not make (the Anthropic and OpenAI mocks check), so a 200 here
      // means the token came back to its own provider unchanged.
      const second = await agent.clients.openai.responses.create({ ...request, input });
      expect(second.status).toBe("completed");
      const followUp = JSON.stringify(upstreamBodies()[1]);
      if (provider.label === "anthropic") expect(followUp).toContain('"signature":"sig_msg_mock_1"');
      if (provider.label === "cohere")
        expect(followUp).toContain(`"thinking":"Thinking about: ${TOOL_PROMPT}"`);
      if (provider.label === "openai") expect(followUp).toContain('"encrypted_content":"enc_resp_mock_1"');
      const [sent, next] = upstreamBodies();
      expectTranslatedThinking(provider, sent, next, `Thinking about: ${TOOL_PROMPT}`, "responses");
    });

    it("leaves the encrypted reasoning out when the client did not ask for it", async () => {
      const response = await agent.clients.openai.responses.create({
        model,
        input: "Think briefly",
        reasoning: { effort: "low" },
        store: false,
      });
      for (const item of response.output) {
        if (item.type === "reasoning" && provider.label !== "openai")
          expect(item.encrypted_content).toBeUndefined();
      }
    });
  });
}

describe("the Responses API with what only OpenAI can do", () => {
  const translated = routeName(
    AGENT_PROVIDERS.find((provider) => provider.label === "anthropic") ?? AGENT_PROVIDERS[0]!,
    "chat",
  );

  it.each([
    [{ tools: [{ type: "web_search" as const }] }, "the built-in 'web_search' tool ('tools.0')"],
    [
      { tools: [{ type: "file_search" as const, vector_store_ids: ["vs_1"] }] },
      "the built-in 'file_search' tool",
    ],
    [{ background: true }, "background responses ('background')"],
  ])("refuses %j on a translated route with a 400 naming it and the route", async (fields, text) => {
    const error = await agent.clients.openai.responses
      .create({
        model: translated,
        input: "Hi",
        store: false,
        ...fields,
      } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain(text);
    expect((error as Error).message).toContain(`route '${translated}'`);
  });

  it("relays built-in tools to an OpenAI route, which runs them", async () => {
    const openaiRoute = routeName(AGENT_PROVIDERS[0]!, "chat");
    await agent.clients.openai.responses.create({
      model: openaiRoute,
      input: "Hi",
      tools: [{ type: "web_search" }],
      store: false,
    });
    expect(agent.setup.mockOf(AGENT_PROVIDERS[0]!).requests[0]?.body).toMatchObject({
      tools: [{ type: "web_search" }],
    });
  });

  it("relays the client's own text to an OpenAI route, numbers as written, but for the model", async () => {
    const provider = AGENT_PROVIDERS[0]!;
    const sent = (model: string): string =>
      `{"model": "${model}", "input": "Hi", "temperature": 0.50, "store": false}`;
    const response = await fetch(`${agent.setup.gateway.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: sent(routeName(provider, "chat")),
    });
    expect(response.status).toBe(200);
    expect(agent.setup.mockOf(provider).requests[0]?.rawBody).toBe(sent(provider.base.model));
  });

  it.each([
    [{ input: 42 }, "input"],
    [{ input: "Hi", max_output_tokens: -1 }, "max_output_tokens"],
    [{ input: [{ type: "function_call_output" }] }, "input[0].call_id"],
  ])("answers a bad body with OpenAI's 400 naming the field (%j)", async (fields, param) => {
    const response = await agent.setup.gateway.post("/v1/responses", { model: translated, ...fields });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { type: "invalid_request_error", param } });
  });
});
