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
 * An upstream stream that breaks after the client's stream started (after its first token: the commit point)
 * must end the client's stream with the dialect's error event, never a clean end: Anthropic clients get an
 * `error` event (the SDK throws), Responses clients an `error` event and `response.failed` (or the upstream's
 * own `response.failed`), never `message_stop` or `response.completed`. One event that is not JSON is skipped
 * and the stream completes (lenient parsing). For every provider, relayed and translated alike. (Mid-stream
 * continuation, which repairs such breaks when a route opts in, is tested in test/resilience.)
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

/** Where a stream breaks: after its first text deltas (Responses streams open with four events first). */
function breakAt(api: ClientApi, provider: ApiProvider): number {
  return api === "responses" && provider.label === "openai" ? BREAK_AT + 2 : BREAK_AT;
}

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
      frame: sseFrame(
        { type: "response.failed", response, sequence_number: breakAt(api, provider) },
        "response.failed",
      ),
      message: "The model crashed",
    };
  }
  const error = provider.framing?.errorFrame;
  return error === undefined || typeof error === "string" ? (error ?? "no framing") : error;
}

interface BrokenStreamCase {
  name: string;
  /** What the client gets: the dialect's error event (default), or the whole answer. */
  ends?: "complete";
  stream(frames: (string | Buffer)[], api: ClientApi, provider: ApiProvider): ScriptedStream | string;
}

const CASES: BrokenStreamCase[] = [
  {
    name: "when the connection is cut mid-stream",
    stream: (frames, api, provider) => ({ kind: "stream", frames, cutAfterFrames: breakAt(api, provider) }),
  },
  {
    name: "when the connection is cut in the middle of a frame",
    stream: (frames, api, provider) => {
      const at = breakAt(api, provider);
      return {
        kind: "stream",
        frames: [...frames.slice(0, at), frames[at]?.slice(0, 20) ?? ""],
        cutAfterFrames: at + 1,
      };
    },
  },
  {
    name: "when the upstream sends an event that is not JSON",
    ends: "complete",
    stream: (frames, api, provider) =>
      frames.some((frame) => typeof frame !== "string")
        ? "binary event-stream framing: its unreadable payloads are covered by test/openai-api/broken-streams.test.ts"
        : {
            kind: "stream",
            frames: frames.map((frame, index) =>
              index === breakAt(api, provider) && typeof frame === "string"
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
      return { kind: "stream", frames: [...frames.slice(0, breakAt(api, provider)), failure.frame] };
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
      } else if (brokenCase.ends === "complete") {
        it(`completes an Anthropic client's stream, skipping the event, ${brokenCase.name}`, async () => {
          setup.mockOf(provider).enqueue(messagesStream);
          const message = await clients.anthropic.messages
            .stream({
              model,
              max_tokens: 256,
              messages: [{ role: "user", content: "Tell me something long" }],
            })
            .finalMessage();
          expect(message.stop_reason).toBe("end_turn");
          const raw = (await clients.exchanges.at(-1)?.text) ?? "";
          expect(raw).toMatch(/^event: message_stop$/m);
          expect(raw).not.toMatch(/^event: error$/m);
        });
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
      } else if (brokenCase.ends === "complete") {
        it(`completes a Responses client's stream, skipping the event, ${brokenCase.name}`, async () => {
          setup.mockOf(provider).enqueue(responsesStream);
          const stream = await clients.openai.responses.create({
            model,
            input: "Tell me something long",
            store: false,
            stream: true,
          });
          const types: string[] = [];
          for await (const event of stream) types.push(event.type);
          expect(types.at(-1)).toBe("response.completed");
          expect(types).not.toContain("response.failed");
        });
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
