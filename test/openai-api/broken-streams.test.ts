import { APIError, InternalServerError, RateLimitError } from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations, parseSseText, type ScriptedStream } from "../mock-upstream/index.js";
import { closedPortUrl } from "../support/closed-port-url.js";
import { type ProvidersGateway, type RouteSpec, routeName, startProvidersGateway } from "./api-gateway.js";
import { type ApiProvider, UPSTREAM_PROVIDERS } from "./api-providers.js";
import { drainStream } from "./chat-stream-accumulator.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * An upstream stream that breaks after the client's stream has started must end the client's stream with an
 * explicit error frame (`data: {"error": {...}}`), never with `data: [DONE]`, so that the SDK's iteration throws
 * instead of ending as if the answer were complete. A failure before anything was sent is an ordinary HTTP error.
 */

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  const closed = await closedPortUrl();
  const extraRoutes = UPSTREAM_PROVIDERS.flatMap((provider): RouteSpec[] => [
    { name: `${provider.label}-idle`, kind: "chat", provider, timeouts: { idle_seconds: 0.3 } },
    { name: `${provider.label}-closed`, kind: "chat", provider, upstreamUrl: closed },
  ]);
  setup = await startProvidersGateway(UPSTREAM_PROVIDERS, extraRoutes);
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

const LONG_TEXT = "This answer is long enough to break in the middle of it, well before its end";

/** Providers whose terminal frames are the ones that say why the answer finished. */
const FINISH_IN_TERMINAL_FRAMES = new Set(["cohere", "gemini", "vertex_ai", "bedrock"]);

/** Frames after which the breaks happen: the client has had its role chunk and some text by then. */
const BREAK_AT = 4;

/** A frame whose JSON is cut in half, keeping its `event:` line: what a buggy upstream might send. */
function malformed(provider: ApiProvider, frame: string | Buffer): string | Buffer {
  if (provider.framing?.malformed !== undefined) return provider.framing.malformed(frame);
  return String(frame).replace(
    /^(data: ?)(.*)$/m,
    (_line, prefix: string, json: string) => `${prefix}${json.slice(0, json.length / 2)}`,
  );
}

interface BrokenStreamCase {
  name: string;
  route?: "idle";
  kind?: "chat" | "completions";
  /** The stream, or the reason the provider cannot break this way. */
  stream(provider: ApiProvider, frames: (string | Buffer)[]): ScriptedStream | string;
  /** Part of the error message the client must get. */
  message?(provider: ApiProvider): string;
}

const BROKEN_STREAMS: BrokenStreamCase[] = [
  {
    name: "when the connection is cut mid-stream",
    stream: (_provider, frames) => ({ kind: "stream", frames, cutAfterFrames: BREAK_AT }),
  },
  {
    name: "when the connection is cut in the middle of a frame",
    stream: (_provider, frames) => {
      const half = frames[BREAK_AT]?.slice(0, 20) ?? "";
      return { kind: "stream", frames: [...frames.slice(0, BREAK_AT), half], cutAfterFrames: BREAK_AT + 1 };
    },
  },
  {
    name: "carrying the upstream's message when the upstream reports an error mid-stream",
    stream: (provider, frames) => {
      const error = provider.framing?.errorFrame;
      if (error === undefined || typeof error === "string") return error ?? "no framing";
      return {
        kind: "stream",
        frames: [...frames.slice(0, BREAK_AT), error.frame, ...frames.slice(BREAK_AT)],
      };
    },
    message: (provider) => {
      const error = provider.framing?.errorFrame;
      return typeof error === "object" ? error.message : "";
    },
  },
  {
    // The body ends cleanly, but before the answer's finish: incomplete, whatever the framing says.
    name: "when the stream ends before its finish",
    stream: (_provider, frames) => ({ kind: "stream", frames: frames.slice(0, BREAK_AT) }),
  },
  {
    name: "when the upstream stalls longer than the route's idle_seconds",
    route: "idle",
    stream: (_provider, frames) => ({
      kind: "stream",
      frames,
      hold: { afterFrames: BREAK_AT, until: new Promise<void>(() => {}) },
    }),
    message: () => "stalled for longer than the route's idle timeout (timeouts.idle_seconds)",
  },
  {
    name: "on a completions route when the connection is cut mid-stream",
    kind: "completions",
    stream: (_provider, frames) => ({ kind: "stream", frames, cutAfterFrames: BREAK_AT }),
  },
];

/** The data of the last SSE message of a raw body, parsed when it is JSON. */
function lastMessage(text: string): unknown {
  const messages = parseSseText(text.replace(/\r\n?/g, "\n"));
  const last = messages.at(-1)?.data ?? "";
  try {
    return JSON.parse(last);
  } catch {
    return last;
  }
}

for (const provider of UPSTREAM_PROVIDERS) {
  describe(`broken ${provider.label} streams`, () => {
    for (const testCase of BROKEN_STREAMS) {
      const framing = provider.framing;
      const frames =
        testCase.kind === "completions" && framing?.completionFrames !== undefined
          ? framing.completionFrames(LONG_TEXT)
          : (framing?.frames({ text: LONG_TEXT }) ?? []);
      const stream = testCase.stream(provider, frames);
      const name = `ends the client's stream with an error frame, not [DONE], ${testCase.name}`;
      if (typeof stream === "string") {
        it.skip(`${name} (skipped: ${stream})`, () => {});
        continue;
      }
      it(name, async () => {
        setup.mockOf(provider).enqueue(stream);
        const kind = testCase.kind ?? "chat";
        const model =
          testCase.route === undefined ? routeName(provider, kind) : `${provider.label}-${testCase.route}`;
        const messages = [{ role: "user" as const, content: "Hello" }];
        const response =
          kind === "chat"
            ? await sdk.client.chat.completions.create({ model, messages, stream: true })
            : await sdk.client.completions.create({ model, prompt: "Hello", stream: true });
        const { items, error } = await drainStream<unknown>(response);
        const exchange = sdk.exchanges.at(-1);
        const text = (await exchange?.text) ?? "";

        expect(exchange?.status).toBe(200);
        expect(items.length, "chunks before the break").toBeGreaterThan(0);
        expect(text).not.toMatch(/^data: \[DONE\]/m);
        expect(lastMessage(text)).toEqual({
          error: expect.objectContaining({ message: expect.any(String), type: expect.any(String) }),
        });
        expect(error).toBeInstanceOf(APIError);
        const expectedMessage = testCase.message?.(provider);
        if (expectedMessage !== undefined) expect((error as APIError).message).toContain(expectedMessage);
      });
    }
  });

  describe(`lenient ${provider.label} streams`, () => {
    const complete = async (stream: ScriptedStream): Promise<void> => {
      setup.mockOf(provider).enqueue(stream);
      const response = await sdk.client.chat.completions.create({
        model: routeName(provider, "chat"),
        messages: [{ role: "user", content: "Hello" }],
        stream: true,
      });
      const { error } = await drainStream<unknown>(response);
      const text = (await sdk.exchanges.at(-1)?.text) ?? "";
      expect(error, text).toBeUndefined();
      expect(text).toMatch(/^data: \[DONE\]/m);
    };
    const frames = provider.framing?.frames({ text: LONG_TEXT }) ?? [];

    it("skips an event that is not JSON and completes the stream", async () => {
      await complete({
        kind: "stream",
        frames: frames.map((frame, index) => (index === BREAK_AT ? malformed(provider, frame) : frame)),
      });
    });

    // Cohere's terminal event (message-end), Gemini's last chunk and Bedrock's messageStop are the ones that
    // carry the finish reason: without them, the answer is incomplete (an error, tested above).
    it.skipIf(FINISH_IN_TERMINAL_FRAMES.has(provider.label))(
      "completes a stream whose body ends after the finish, without its end marker",
      async () => {
        await complete({
          kind: "stream",
          frames: frames.slice(0, frames.length - (provider.framing?.terminalFrames ?? 0)),
        });
      },
    );
  });

  describe(`${provider.label} stream requests that fail before the first byte`, () => {
    const chatStream = (model: string) =>
      sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Hello" }],
        stream: true,
      });

    async function expectHttpError(
      model: string,
      errorClass: new (...args: never[]) => APIError,
      status: number,
    ): Promise<APIError> {
      const error = await chatStream(model).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(errorClass);
      const exchange = sdk.exchanges.at(-1);
      expect(exchange?.status).toBe(status);
      expect(exchange?.headers.get("content-type")).toMatch(/^application\/json/);
      return error as APIError;
    }

    it("answers the upstream's 429 with HTTP 429 and its Retry-After, not a 200 stream", async () => {
      setup.mockOf(provider).enqueue({
        kind: "json",
        status: 429,
        body: provider.errorBody?.(429, "Rate limit reached."),
        headers: { "retry-after": "3" },
      });
      const error = await expectHttpError(routeName(provider, "chat"), RateLimitError, 429);
      expect(error.headers?.get("retry-after")).toBe("3");
    });

    it("answers the upstream's 500 with HTTP 500, not a 200 stream", async () => {
      setup.mockOf(provider).enqueue({ kind: "json", status: 500, body: provider.errorBody?.(500, "Boom.") });
      await expectHttpError(routeName(provider, "chat"), InternalServerError, 500);
    });

    it("answers a refused connection with HTTP 502, not a 200 stream", async () => {
      await expectHttpError(`${provider.label}-closed`, InternalServerError, 502);
    });

    it("answers a stream the upstream cuts before its first event with HTTP 502", async () => {
      setup.mockOf(provider).enqueue({ kind: "stream", frames: [], cutAfterFrames: 0 });
      await expectHttpError(routeName(provider, "chat"), InternalServerError, 502);
    });

    const errorFrame = provider.framing?.errorFrame;
    if (typeof errorFrame === "object") {
      it(`answers an error event sent before any content with HTTP ${errorFrame.status}, not a 200 stream`, async () => {
        setup.mockOf(provider).enqueue({ kind: "stream", frames: [errorFrame.frame] });
        const error = await expectHttpError(routeName(provider, "chat"), APIError, errorFrame.status);
        expect(error.message).toContain(errorFrame.message);
      });
    }
  });
}
