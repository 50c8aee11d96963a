import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anthropicStreamEvents,
  expectNoSpecViolations,
  type MockChatInput,
  type ScriptedStream,
  sseFrame,
  TOOL_CALL_ARGUMENTS,
} from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { apiProvider, UPSTREAM_PROVIDERS } from "./api-providers.js";
import { type AccumulatedStream, accumulateChatStream, WEATHER_TOOL } from "./chat-stream-accumulator.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * Streams from each upstream in its exact wire framing (OpenAI `data:` chunks and `[DONE]`; Anthropic `event:`
 * / `data:` pairs with `ping`; Cohere v2 events), scripted on the mocks, reach the SDK as the same chat chunks
 * however the bytes are cut into TCP packets.
 */

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  setup = await startProvidersGateway(UPSTREAM_PROVIDERS);
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const provider of UPSTREAM_PROVIDERS) expectNoSpecViolations(setup.mockOf(provider));
});

/** What a stream means to a client, without what differs per request (ids, timestamps). */
function meaning(result: AccumulatedStream): unknown {
  return { choices: result.choices, usage: result.usage };
}

/** `splits`: the piece sizes the mock cuts every frame into; 1 and 2 bytes also split multi-byte characters. */
const ANSWERS: { name: string; input: MockChatInput; splits: number[] }[] = [
  { name: "text", input: { text: "Streams arrive in pieces of any size", inputTokens: 9 }, splits: [7, 64] },
  {
    name: "multi-byte text",
    input: { text: "Grüße aus Zürich, 日本語のテキスト, emoji 🚀🎉 too", inputTokens: 3 },
    splits: [1, 2],
  },
  {
    name: "a tool call",
    input: {
      toolCall: { id: "call_scripted", name: "get_weather", argumentsJson: TOOL_CALL_ARGUMENTS },
      inputTokens: 4,
    },
    splits: [3, 64],
  },
];

for (const provider of UPSTREAM_PROVIDERS) {
  const framing = provider.framing;
  if (framing === undefined) continue;
  describe(`${provider.label} stream framing`, () => {
    const model = routeName(provider, "chat");

    async function streamOnce(stream: ScriptedStream): Promise<AccumulatedStream> {
      setup.resetMocks();
      setup.mockOf(provider).enqueue(stream);
      const response = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Hello" }],
        tools: [WEATHER_TOOL],
        stream: true,
        stream_options: { include_usage: true },
      });
      return accumulateChatStream(response);
    }

    for (const answer of ANSWERS) {
      describe(`answering with ${answer.name}`, () => {
        let whole: AccumulatedStream;
        beforeAll(async () => {
          whole = await streamOnce({ kind: "stream", frames: framing.frames(answer.input) });
        });

        it("reaches the client complete, with the upstream's usage, ending in [DONE]", async () => {
          const [choice] = whole.choices;
          if (answer.input.toolCall === undefined) {
            expect(choice).toMatchObject({ content: answer.input.text, finishReason: "stop", toolCalls: [] });
          } else {
            expect(choice?.finishReason).toBe("tool_calls");
            expect(choice?.toolCalls).toMatchObject([
              { id: "call_scripted", name: "get_weather", arguments: TOOL_CALL_ARGUMENTS },
            ]);
          }
          expect(whole.usage?.prompt_tokens).toBe(answer.input.inputTokens);
        });

        for (const size of answer.splits) {
          it(`gives the same result when every frame is split into ${size}-byte packets`, async () => {
            const split = await streamOnce({
              kind: "stream",
              frames: framing.frames(answer.input),
              splitFramesAt: size,
              delayMsBetweenPieces: 0,
            });
            expect(meaning(split)).toEqual(meaning(whole));
          });
        }
      });
    }

    const binary = framing.frames({ text: "x" }).some((frame) => typeof frame !== "string");
    (binary ? it.skip : it)("gives the same result when the upstream uses CRLF line ends", async () => {
      const input = { text: "Line ends differ", inputTokens: 2 };
      const lf = await streamOnce({ kind: "stream", frames: framing.frames(input) });
      const crlf = await streamOnce({
        kind: "stream",
        frames: framing.frames(input).map((frame) => String(frame).replaceAll("\n", "\r\n")),
        splitFramesAt: 5,
        delayMsBetweenPieces: 0,
      });
      expect(meaning(crlf)).toEqual(meaning(lf));
    });
  });
}

describe("provider-specific framing", () => {
  const anthropic = apiProvider("anthropic");
  const cohere = apiProvider("cohere");

  async function streamText(
    model: string,
    stream: ScriptedStream,
    mock = setup.mockOf(anthropic),
  ): Promise<string> {
    mock.enqueue(stream);
    const response = await sdk.client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    return (await accumulateChatStream(response)).choices[0]?.content ?? "";
  }

  it("skips Anthropic ping events wherever they come, and unknown event types", async () => {
    const frames: string[] = [];
    for (const { event, data } of anthropicStreamEvents({ text: "pings between every event" })) {
      frames.push(sseFrame(data, event), sseFrame({ type: "ping" }, "ping"));
    }
    frames.splice(3, 0, sseFrame({ type: "future_event", detail: 1 }, "future_event"));
    expect(await streamText(routeName(anthropic, "chat"), { kind: "stream", frames })).toBe(
      "pings between every event",
    );
  });

  it("accepts the data: [DONE] Cohere's documentation names as the terminator after message-end", async () => {
    const frames = [...(cohere.framing?.frames({ text: "done after the end" }) ?? []), sseFrame("[DONE]")];
    const text = await streamText(
      routeName(cohere, "chat"),
      { kind: "stream", frames },
      setup.mockOf(cohere),
    );
    expect(text).toBe("done after the end");
  });
});
