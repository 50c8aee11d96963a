import { APIError, BadRequestError } from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  compatibleFrame,
  compatibleStreamFrames,
  expectNoSpecViolations,
  parseSseText,
} from "../mock-upstream/index.js";
import {
  type ProvidersGateway,
  type RouteSpec,
  routeName,
  startProvidersGateway,
} from "../openai-api/api-gateway.js";
import { accumulateChatStream } from "../openai-api/chat-stream-accumulator.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "../openai-api/recorded-sdk-client.js";
import { closedPortUrl } from "../support/closed-port-url.js";
import type { CompatibleRow } from "./compatible/compatible-row.js";
import { COMPATIBLE_ROWS } from "./compatible/rows.js";

/**
 * What each OpenAI-compatible provider's quirks must become for an OpenAI client, table-driven over the rows of
 * compatible/rows.ts: the upstream's error code, type and param, with the provider (never "OpenAI"), the route
 * and the target named; SSE comments and keep-alives before and between chunks; `data:` without the space;
 * in-band stream errors; completions on a provider's own endpoint (`echo`, `suffix`, `logprobs`, prompt lists)
 * or refused where it has none; and the gateway's own 502 naming the provider.
 */

const ROWS = COMPATIBLE_ROWS;
let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  const closed = await closedPortUrl();
  const closedRoutes = ROWS.map(
    (row): RouteSpec => ({
      name: `${row.api.label}-closed`,
      kind: "chat",
      provider: row.api,
      upstreamUrl: closed,
    }),
  );
  setup = await startProvidersGateway(
    ROWS.map((row) => row.api),
    closedRoutes,
  );
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const row of ROWS) expectNoSpecViolations(setup.mockOf(row.api));
});

async function failure(call: Promise<unknown>): Promise<APIError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

function chat(row: CompatibleRow, content = "Hello") {
  return sdk.client.chat.completions.create({
    model: routeName(row.api, "chat"),
    messages: [{ role: "user", content }],
  });
}

function chatStream(row: CompatibleRow, content = "Hello") {
  return sdk.client.chat.completions.create({
    model: routeName(row.api, "chat"),
    messages: [{ role: "user", content }],
    stream: true,
  });
}

for (const row of ROWS) {
  const { api, displayName } = row;
  const target = `${row.base.provider}/${row.base.model}`;
  const chatRoute = routeName(api, "chat");

  describe(`${api.label}: errors`, () => {
    it("passes the upstream's error code, type and param to an OpenAI client, naming the provider, route and target", async () => {
      const { codedError } = row;
      setup.mockOf(api).enqueue({ kind: "json", status: codedError.status, body: codedError.body });
      const error = await failure(chat(row));
      expect(error.status).toBe(codedError.status);
      expect(error.code).toBe(codedError.code);
      if (codedError.type !== undefined) expect(error.type).toBe(codedError.type);
      if (codedError.param !== undefined) expect(error.param).toBe(codedError.param);
      expect(error.message).toContain(`${displayName}: `);
      expect(error.message).toContain(`route '${chatRoute}'`);
      expect(error.message).toContain(`target '${target}'`);
    });

    it("names the provider, never OpenAI, when the server cannot be reached", async () => {
      const error = await failure(
        sdk.client.chat.completions.create({
          model: `${api.label}-closed`,
          messages: [{ role: "user", content: "Hello" }],
        }),
      );
      expect(error.status).toBe(502);
      expect(error.message).toContain(`Could not get an answer from ${displayName}`);
      if (!displayName.includes("OpenAI")) expect(error.message).not.toContain("OpenAI");
    });

    const inBand = row.inBandError;
    if (typeof inBand === "string") {
      it.skip(`ends a stream with the upstream's in-band error (skipped: ${inBand})`, () => {});
    } else {
      it("ends a stream with the upstream's in-band error, in OpenAI's envelope, never [DONE]", async () => {
        const frames = compatibleStreamFrames(row.profile, { text: "Some words before it breaks" });
        // After the first token (the commit point): before it, an error is a failed attempt, answered by status.
        const at = Math.max(3, frames.findIndex((frame) => frame.includes("Some")) + 1);
        setup.mockOf(api).enqueue({
          kind: "stream",
          frames: [...frames.slice(0, at), compatibleFrame(row.profile, inBand.data), ...frames.slice(at)],
        });
        const stream = await chatStream(row);
        const caught = await accumulateChatStream(stream).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(caught).toBeInstanceOf(APIError);
        expect((caught as APIError).message).toContain(inBand.message);
        const text = (await sdk.exchanges.at(-1)?.text) ?? "";
        expect(text).not.toContain("[DONE]");
        const last = JSON.parse(parseSseText(text).at(-1)?.data ?? "{}") as {
          error?: Record<string, unknown>;
        };
        expect(last.error).toMatchObject({ message: expect.stringContaining(displayName) });
        if (inBand.code !== undefined) expect(last.error?.code).toBe(inBand.code);
      });
    }
  });

  describe(`${api.label}: stream framing`, () => {
    it("drops SSE comments and keep-alives before and between chunks, and never sends one first", async () => {
      const frames = compatibleStreamFrames(row.profile, { text: "Kept alive while it waits" });
      setup.mockOf(api).enqueue({
        kind: "stream",
        frames: [
          ": keep-alive\n\n",
          ": OPENROUTER PROCESSING\n\n",
          ...frames.slice(0, 2),
          ":\n\n",
          ...frames.slice(2),
        ],
      });
      const result = await accumulateChatStream(await chatStream(row));
      expect(result.choices[0]?.content).toBe("Kept alive while it waits");
      const text = (await sdk.exchanges.at(-1)?.text) ?? "";
      expect(text.startsWith("data: ")).toBe(true);
      expect(text).not.toMatch(/^:/m);
    });

    it("reads frames whose `data:` has no space after the colon", async () => {
      const frames = compatibleStreamFrames(
        { ...row.profile, framing: { dataPrefix: "data:" } },
        { text: "Tight framing" },
      );
      setup.mockOf(api).enqueue({ kind: "stream", frames });
      const result = await accumulateChatStream(await chatStream(row));
      expect(result.choices[0]?.content).toBe("Tight framing");
      expect(result.choices[0]?.finishReason).toBe("stop");
    });

    if (row.profile.framing?.dataPrefix === "data:") {
      it("re-frames the provider's `data:` frames as `data: `, for clients that need the space", async () => {
        await accumulateChatStream(await chatStream(row));
        const text = (await sdk.exchanges.at(-1)?.text) ?? "";
        expect(text).toMatch(/^data: \{/);
        expect(text).not.toMatch(/^data:[^ ]/m);
      });
    }
  });

  describe(`${api.label}: completions`, () => {
    const model = routeName(api, "completions");
    if (row.completionsEndpoint) {
      it("sends a completions request to the provider's own endpoint with echo, suffix and logprobs", async () => {
        const completion = await sdk.client.completions.create({
          model,
          prompt: "Once upon",
          echo: true,
          suffix: " The end.",
          logprobs: 2,
        });
        const request = setup.mockOf(api).requests[0];
        expect(request?.path).toBe(row.profile.paths.completions);
        expect(request?.body).toMatchObject({ echo: true, suffix: " The end.", logprobs: 2 });
        expect(completion.choices[0]?.text).toBe("Once uponEcho: Once upon");
      });
    } else {
      it("refuses completions-only parameters with a 400 naming them, without calling the upstream", async () => {
        for (const [parameter, value] of [
          ["echo", true],
          ["suffix", " The end."],
          ["logprobs", 2],
        ] as const) {
          const error = await failure(
            sdk.client.completions.create({ model, prompt: "Once upon", [parameter]: value }),
          );
          expect(error).toBeInstanceOf(BadRequestError);
          expect(error.param).toBe(parameter);
          expect(error.message).toContain(displayName);
        }
        expect(setup.mockOf(api).requests).toEqual([]);
      });

      it("serves a prompt through chat when nothing completions-only is asked for (neutral defaults removed)", async () => {
        const completion = await sdk.client.completions.create({
          model,
          prompt: "Once upon",
          echo: false,
          best_of: 1,
          logprobs: null,
        });
        expect(completion.choices[0]?.text).toBe("Echo: Once upon");
        expect(setup.mockOf(api).requests[0]?.path).toBe(row.profile.paths.chat);
        expect(setup.mockOf(api).requests[0]?.body).not.toHaveProperty("echo");
      });
    }

    it("answers several prompts in one request (LangChain's OpenAI.batch), numbering choices as OpenAI does", async () => {
      const completion = await sdk.client.completions.create({ model, prompt: ["First one", "Second one"] });
      expect(completion.choices.map((choice) => [choice.index, choice.text])).toEqual([
        [0, "Echo: First one"],
        [1, "Echo: Second one"],
      ]);
      expect(completion.usage?.prompt_tokens).toBe(4);
    });
  });
}
