import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS, UPSTREAM_PROVIDERS } from "./api-providers.js";
import { accumulateChatStream } from "./chat-stream-accumulator.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * How streams are delivered: SSE headers that keep proxies from buffering, each event forwarded as soon as it
 * arrives (checked by holding the upstream mid-stream, not by timing), and the upstream call cancelled when the
 * client goes away.
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
  for (const provider of UPSTREAM_PROVIDERS) expectNoSpecViolations(setup.mockOf(provider));
});

const messages = [{ role: "user" as const, content: "Hello" }];

/** A promise and its resolve function, for holding an upstream mock until the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

for (const provider of API_PROVIDERS) {
  describe(`streams on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "chat");

    it("are sent as text/event-stream with X-Accel-Buffering: no", async () => {
      const { data, response } = await sdk.client.chat.completions
        .create({ model, messages, stream: true })
        .withResponse();
      await accumulateChatStream(data);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream\b/);
      expect(response.headers.get("x-accel-buffering")).toBe("no");
    });

    const framing = provider.framing;
    if (framing === undefined) return;
    const text = "The first words arrive while the upstream is still writing the rest";

    it("forwards the first text to the client while the upstream still holds the rest", async () => {
      const frames = framing.frames({ text });
      const held = gate();
      // String() reads an event-stream message's JSON payload too.
      const firstTextFrame = frames.findIndex((frame) => String(frame).includes('"The"'));
      setup.mockOf(provider).enqueue({
        kind: "stream",
        frames,
        hold: { afterFrames: firstTextFrame + 1, until: held.promise },
      });
      const stream = await sdk.client.chat.completions.create({ model, messages, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      let received = "";
      while (received === "") {
        const next = await iterator.next();
        if (next.done === true) throw new Error("the stream ended before any text");
        received += next.value.choices[0]?.delta.content ?? "";
      }
      // Still held: the upstream has sent only its first text frame.
      expect(received).toBe("The");
      held.open();
      let rest = "";
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        rest += next.value.choices[0]?.delta.content ?? "";
      }
      expect(received + rest).toBe(text);
    });

    it("cancels the upstream request when the client aborts the stream", async () => {
      const mock = setup.mockOf(provider);
      // The upstream sends its first frames and then waits for ever: only a cancelled request ends it.
      const never = new Promise<void>(() => {});
      mock.enqueue({
        kind: "stream",
        frames: framing.frames({ text }),
        hold: { afterFrames: 4, until: never },
      });
      // This client's abort closes its connection, as a real client's does.
      const leaving = createRecordedSdkClient(setup.gateway.url, { followClientAbort: true });
      const stream = await leaving.client.chat.completions.create({ model, messages, stream: true });
      for await (const _chunk of stream) break;
      expect(await mock.requests[0]?.outcome).toBe("closed early");
      await leaving.expectSpecValid();
    });
  });
}
