import { BadRequestError } from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations, TOOL_CALL_ARGUMENTS } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS, replyTo } from "./api-providers.js";
import { TOOL_PROMPT, WEATHER_TOOL } from "./chat-stream-accumulator.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * Non-streaming chat completions through the official SDK, on a route per provider: the answer, its usage, `n`,
 * and tools, each response checked against OpenAI's spec.
 */

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  setup = await startProvidersGateway(API_PROVIDERS);
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const provider of API_PROVIDERS)
    if (provider.framing !== undefined) expectNoSpecViolations(setup.mockOf(provider));
});

for (const provider of API_PROVIDERS) {
  describe(`chat on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "chat");

    it("answers with the upstream's reply, finish_reason stop and the upstream's token counts", async () => {
      const user = "What is a gateway?";
      const expected = replyTo(provider, user);
      const completion = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: user }],
      });
      expect(completion.object).toBe("chat.completion");
      expect(completion.choices).toEqual([
        expect.objectContaining({
          index: 0,
          message: expect.objectContaining({ role: "assistant", content: expected.text }),
          finish_reason: "stop",
        }),
      ]);
      expect(completion.usage).toMatchObject({
        prompt_tokens: expected.inputTokens,
        completion_tokens: expected.outputTokens,
        total_tokens: expected.inputTokens + expected.outputTokens,
      });
    });

    it("passes a system message, max_tokens, stop, temperature and seed without refusing them", async () => {
      const completion = await sdk.client.chat.completions.create({
        model,
        messages: [
          { role: "system", content: "Answer briefly." },
          { role: "user", content: "Hello there" },
        ],
        max_completion_tokens: 100,
        stop: ["END"],
        temperature: 0.4,
        ...(provider.label !== "anthropic" && { seed: 7 }),
      });
      expect(completion.choices[0]?.message.content).toBe(replyTo(provider, "Hello there").text);
    });

    if (provider.candidates === true) {
      it("returns n choices for n: 2", async () => {
        const user = "Two answers please";
        const completion = await sdk.client.chat.completions.create({
          model,
          messages: [{ role: "user", content: user }],
          n: 2,
        });
        expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
          [0, replyTo(provider, user).text],
          [1, replyTo(provider, user).text],
        ]);
        if (provider.framing !== undefined) {
          expect(setup.mockOf(provider).requests[0]?.body).toMatchObject(
            provider.candidatesInBody?.(2) ?? { n: 2 },
          );
        }
      });
    } else {
      it("refuses n: 2 with a BadRequestError naming the parameter, without calling the upstream", async () => {
        const error = await sdk.client.chat.completions
          .create({ model, messages: [{ role: "user", content: "Two answers please" }], n: 2 })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(BadRequestError);
        expect(error).toMatchObject({ status: 400, param: "n" });
        expect(setup.mockOf(provider).requests).toEqual([]);
      });
    }

    if (provider.tools !== true) {
      it.skip(`calls tools (skipped: ${provider.tools})`, () => {});
      return;
    }

    it("sends the tool definitions to the upstream in its own shape", async () => {
      await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "No tool needed" }],
        tools: [WEATHER_TOOL],
      });
      const body = setup.mockOf(provider).requests[0]?.body as Record<string, unknown>;
      expect(provider.upstreamToolsOf?.(body) ?? body.tools).toEqual(
        provider.upstreamTools?.([WEATHER_TOOL]),
      );
    });

    it("returns the upstream's tool call as tool_calls with its id, name and JSON arguments", async () => {
      const completion = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: TOOL_PROMPT }],
        tools: [WEATHER_TOOL],
      });
      const [choice] = completion.choices;
      expect(choice?.finish_reason).toBe("tool_calls");
      expect(choice?.message.tool_calls).toEqual([
        {
          id: provider.firstToolCallId?.("get_weather"),
          type: "function",
          function: { name: "get_weather", arguments: expect.any(String) },
        },
      ]);
      const call = choice?.message.tool_calls?.[0];
      expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual(
        JSON.parse(TOOL_CALL_ARGUMENTS),
      );
    });

    it("sends the assistant's tool call and the tool's result back to the upstream", async () => {
      const completion = await sdk.client.chat.completions.create({
        model,
        messages: [
          { role: "user", content: "What is the weather in Paris?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: TOOL_CALL_ARGUMENTS },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "Sunny, 24 degrees" },
        ],
        tools: [WEATHER_TOOL],
      });
      expect(completion.choices[0]?.finish_reason).toBe("stop");
      const upstreamBody = JSON.stringify(setup.mockOf(provider).requests[0]?.body);
      expect(upstreamBody).toContain("Sunny, 24 degrees");
      if (provider.rewritesToolCallIds === true) {
        // The call and the result that answers it still match, under the provider's own id format.
        const sent = setup.mockOf(provider).requests[0]?.body as { messages: unknown[] };
        const [, assistant, tool] = sent.messages as [
          unknown,
          { tool_calls: { id: string }[] },
          { tool_call_id: string },
        ];
        expect(assistant.tool_calls[0]?.id).toBe(tool.tool_call_id);
        expect(tool.tool_call_id).not.toBe("call_1");
      } else if (provider.toolCallIdsStayLocal === undefined) expect(upstreamBody).toContain("call_1");
    });
  });
}
