import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations, TOOL_CALL_ARGUMENTS } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS, replyTo } from "./api-providers.js";
import { accumulateChatStream, TOOL_PROMPT, WEATHER_TOOL } from "./chat-stream-accumulator.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * Streamed chat completions through the official SDK on a route per provider: text, the include_usage chunk with
 * the upstream's real counts, tool calls whose arguments arrive in pieces, `n`. Every chunk is checked against
 * OpenAI's spec, and every stream must end with `data: [DONE]`.
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

async function lastStreamText(): Promise<string> {
  return (await sdk.exchanges.at(-1)?.text) ?? "";
}

for (const provider of API_PROVIDERS) {
  describe(`streamed chat on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "chat");
    const user = "Stream me a short answer";
    const expected = replyTo(provider, user);

    it("streams the reply in several content deltas, ending with finish_reason stop and [DONE]", async () => {
      const stream = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: user }],
        stream: true,
      });
      const result = await accumulateChatStream(stream);
      expect(result.choices).toEqual([
        { role: "assistant", content: expected.text, toolCalls: [], finishReason: "stop" },
      ]);
      expect(result.chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
      expect(new Set(result.chunks.map((chunk) => chunk.id)).size).toBe(1);
      expect(result.usage).toBeUndefined();
      expect(await lastStreamText()).toMatch(/\n\ndata: \[DONE\]\n\n$/);
      if (provider.framing !== undefined) {
        const upstream = setup.mockOf(provider).requests[0];
        expect(
          upstream &&
            (provider.streamRequested?.(upstream) ?? (upstream.body as { stream?: unknown }).stream === true),
        ).toBe(true);
      }
    });

    it("ends with a usage chunk carrying the upstream's token counts when include_usage is set", async () => {
      const stream = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: user }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const result = await accumulateChatStream(stream);
      const last = result.chunks.at(-1);
      expect(last?.choices).toEqual([]);
      // A priced model's usage also carries the gateway's `cost`.
      expect(last?.usage).toMatchObject({
        prompt_tokens: expected.inputTokens,
        completion_tokens: expected.outputTokens,
        total_tokens: expected.inputTokens + expected.outputTokens,
      });
      // OpenAI sends `usage: null` on the others; a relayed compatible server's chunks may have no usage key.
      expect(result.chunks.slice(0, -1).every((chunk) => chunk.usage == null)).toBe(true);
      expect(result.choices[0]?.content).toBe(expected.text);
    });

    it("gives the same final completion through the SDK's stream helper", async () => {
      const completion = await sdk.client.chat.completions
        .stream({
          model,
          messages: [{ role: "user", content: user }],
          stream_options: { include_usage: true },
        })
        .finalChatCompletion();
      expect(completion.choices[0]?.message.content).toBe(expected.text);
      expect(completion.choices[0]?.finish_reason).toBe("stop");
      expect(completion.usage?.completion_tokens).toBe(expected.outputTokens);
    });

    if (provider.candidates === true) {
      it("streams n: 2 choices, each complete", async () => {
        const stream = await sdk.client.chat.completions.create({
          model,
          messages: [{ role: "user", content: user }],
          stream: true,
          n: 2,
        });
        const result = await accumulateChatStream(stream);
        const choice = { role: "assistant", content: expected.text, toolCalls: [], finishReason: "stop" };
        expect(result.choices).toEqual([choice, choice]);
      });
    }

    if (provider.tools !== true) {
      it.skip(`streams tool calls (skipped: ${provider.tools})`, () => {});
      return;
    }

    it("streams a tool call whose arguments, split across chunks, add up to the upstream's JSON", async () => {
      const stream = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: TOOL_PROMPT }],
        tools: [WEATHER_TOOL],
        stream: true,
      });
      const result = await accumulateChatStream(stream);
      const [choice] = result.choices;
      expect(choice?.finishReason).toBe("tool_calls");
      expect(choice?.toolCalls).toEqual([
        {
          id: provider.firstToolCallId?.("get_weather"),
          type: "function",
          name: "get_weather",
          arguments: expect.any(String),
          argumentChunks: expect.any(Number),
        },
      ]);
      // Split across chunks unless the upstream sends arguments whole (then exactly one piece).
      if (provider.wholeToolArguments === undefined)
        expect(choice?.toolCalls[0]?.argumentChunks).toBeGreaterThan(1);
      else expect(choice?.toolCalls[0]?.argumentChunks).toBe(1);
      expect(JSON.parse(choice?.toolCalls[0]?.arguments ?? "")).toEqual(JSON.parse(TOOL_CALL_ARGUMENTS));
      const body = setup.mockOf(provider).requests[0]?.body as Record<string, unknown>;
      expect(provider.upstreamToolsOf?.(body) ?? body.tools).toEqual(
        provider.upstreamTools?.([WEATHER_TOOL]),
      );
    });

    it("gives the SDK's stream helper a final completion with the whole tool call", async () => {
      const completion = await sdk.client.chat.completions
        .stream({ model, messages: [{ role: "user", content: TOOL_PROMPT }], tools: [WEATHER_TOOL] })
        .finalChatCompletion();
      const call = completion.choices[0]?.message.tool_calls?.[0];
      expect(call).toMatchObject({
        id: provider.firstToolCallId?.("get_weather"),
        type: "function",
        function: { name: "get_weather", arguments: TOOL_CALL_ARGUMENTS },
      });
    });
  });
}
