import Anthropic from "@anthropic-ai/sdk";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  expectNoSpecViolations,
  type MockChatInput,
  openAIResponseStreamEvents,
  openAIResponseStreamFrames,
  type ScriptedStream,
  sseFrame,
} from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "../openai-api/api-gateway.js";
import { type ApiProvider, UPSTREAM_PROVIDERS } from "../openai-api/api-providers.js";
import { type AgentClients, createAgentClients } from "./agent-clients.js";

/**
 * An upstream stream that breaks after the client's stream started must end the client's stream with the
 * dialect's error event, never a clean end: Anthropic clients get an `error` event (the SDK throws), Responses
 * clients an `error` event and `response.failed` (or the upstream's own `response.failed`), never
 * `message_stop` or `response.completed`. For every provider, relayed and translated alike.
 */

let setup: ProvidersGateway;
let clients: AgentClients;

beforeAll(async () => {
  setup = await startProvidersGateway(UPSTREAM_PROVIDERS);
  clients = createAgentClients(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await clients.expectSpecValid();
  for (const provider of UPSTREAM_PROVIDERS) expectNoSpecViolations(setup.mockOf(provider));
});

const LONG_TEXT = "This answer is long enough to break in the middle of it, well before its end";
const BREAK_AT = 4;

type ClientApi = "messages" | "responses";

/** The upstream's frames for a client of this API: a Responses client on OpenAI is relayed to Responses. */
function upstreamFrames(api: ClientApi, provider: ApiProvider, input: MockChatInput): (string | Buffer)[] {
  if (api === "responses" && provider.label === "openai") return openAIResponseStreamFrames(input);
  return provider.framing?.frames(input) ?? [];
}

/** The upstream's own in-band failure, and part of its message; or why it has none. */
function upstreamFailure(
  api: ClientApi,
  provider: ApiProvider,
): { frame: string | Buffer; message: string } | string {
  if (api === "responses" && provider.label === "openai") {
    const [created] = openAIResponseStreamEvents({ text: LONG_TEXT });
    const response = {
      ...(created?.data.response as Record<string, unknown>),
      status: "failed",
      error: { code: "server_error", message: "The model crashed" },
    };
    return {
      frame: sseFrame({ type: "response.failed", response, sequence_number: BREAK_AT }, "response.failed"),
      message: "The model crashed",
    };
  }
  const error = provider.framing?.errorFrame;
  return error === undefined || typeof error === "string" ? (error ?? "no framing") : error;
}

interface BrokenStreamCase {
  name: string;
  stream(frames: (string | Buffer)[], api: ClientApi, provider: ApiProvider): ScriptedStream | string;
}

const CASES: BrokenStreamCase[] = [
  {
    name: "when the connection is cut mid-stream",
    stream: (frames) => ({ kind: "stream", frames, cutAfterFrames: BREAK_AT }),
  },
  {
    name: "when the connection is cut in the middle of a frame",
    stream: (frames) => ({
      kind: "stream",
      frames: [...frames.slice(0, BREAK_AT), frames[BREAK_AT]?.slice(0, 20) ?? ""],
      cutAfterFrames: BREAK_AT + 1,
    }),
  },
  {
    name: "when the upstream sends an event that is not JSON",
    stream: (frames) =>
      frames.some((frame) => typeof frame !== "string")
        ? "binary event-stream framing: its unreadable payloads are covered by test/openai-api/broken-streams.test.ts"
        : {
            kind: "stream",
            frames: frames.map((frame, index) =>
              index === BREAK_AT && typeof frame === "string"
                ? // `data:` with or without the space (TGI sends none).
                  frame.replace(
                    /^data:( ?)(.*)$/m,
                    (_line, space: string, json: string) => `data:${space}${json.slice(0, 9)}`,
                  )
                : frame,
            ),
          },
  },
  {
    name: "when the upstream reports an error mid-stream",
    stream: (frames, api, provider) => {
      const failure = upstreamFailure(api, provider);
      if (typeof failure === "string") return failure;
      return { kind: "stream", frames: [...frames.slice(0, BREAK_AT), failure.frame] };
    },
  },
];

for (const provider of UPSTREAM_PROVIDERS) {
  const model = routeName(provider, "chat");
  describe(`a broken stream from ${provider.label}`, () => {
    for (const brokenCase of CASES) {
      const messagesStream = brokenCase.stream(
        upstreamFrames("messages", provider, { text: LONG_TEXT }),
        "messages",
        provider,
      );
      if (typeof messagesStream === "string") {
        it.skip(`${brokenCase.name} (skipped: ${messagesStream})`, () => {});
      } else {
        it(`ends an Anthropic client's stream with an error event ${brokenCase.name}`, async () => {
          setup.mockOf(provider).enqueue(messagesStream);
          const stream = clients.anthropic.messages.stream({
            model,
            max_tokens: 256,
            messages: [{ role: "user", content: "Tell me something long" }],
          });
          const types: string[] = [];
          stream.on("streamEvent", (event) => types.push(event.type));
          const error = await stream.finalMessage().catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(Anthropic.APIError);
          expect(types).not.toContain("message_stop");
          const raw = (await clients.exchanges.at(-1)?.text) ?? "";
          expect(raw.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\ndata: \{"type":"error"/);
        });
      }
      const responsesStream = brokenCase.stream(
        upstreamFrames("responses", provider, { text: LONG_TEXT }),
        "responses",
        provider,
      );
      if (typeof responsesStream === "string") {
        it.skip(`${brokenCase.name} for a Responses client (skipped: ${responsesStream})`, () => {});
      } else {
        it(`ends a Responses client's stream with response.failed ${brokenCase.name}`, async () => {
          setup.mockOf(provider).enqueue(responsesStream);
          const stream = await clients.openai.responses.create({
            model,
            input: "Tell me something long",
            store: false,
            stream: true,
          });
          const types: string[] = [];
          for await (const event of stream) types.push(event.type);
          expect(types[0]).toBe("response.created");
          expect(types.at(-1)).toBe("response.failed");
          expect(types).not.toContain("response.completed");
        });
      }
    }
  });
}
