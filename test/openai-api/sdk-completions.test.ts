import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { BadRequestError } from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS, replyTo } from "./api-providers.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * Legacy completions (`POST /v1/completions`) through the official SDK on a route per provider, whole and
 * streamed; the upstreams serve them as chat, and the client gets `text_completion` objects.
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
  describe(`completions on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "completions");
    const prompt = "Once upon a time";
    const expected = replyTo(provider, prompt);

    it("answers a prompt with a text_completion carrying the upstream's reply and token counts", async () => {
      const completion = await sdk.client.completions.create({ model, prompt, max_tokens: 50 });
      expect(completion.object).toBe("text_completion");
      expect(completion.choices).toEqual([
        expect.objectContaining({ index: 0, text: expected.text, finish_reason: "stop" }),
      ]);
      expect(completion.usage).toEqual({
        prompt_tokens: expected.inputTokens,
        completion_tokens: expected.outputTokens,
        total_tokens: expected.inputTokens + expected.outputTokens,
      });
    });

    it("streams the reply as text pieces ending with finish_reason stop and [DONE]", async () => {
      const stream = await sdk.client.completions.create({ model, prompt, stream: true });
      let text = "";
      const finishReasons: (string | null)[] = [];
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        expect(chunk.object).toBe("text_completion");
        for (const choice of chunk.choices) {
          text += choice.text;
          finishReasons.push(choice.finish_reason);
        }
      }
      expect(text).toBe(expected.text);
      expect(chunks).toBeGreaterThan(2);
      expect(finishReasons.at(-1)).toBe("stop");
      expect(finishReasons.slice(0, -1).every((reason) => reason === null)).toBe(true);
      expect(await sdk.exchanges.at(-1)?.text).toMatch(/\n\ndata: \[DONE\]\n\n$/);
    });

    it("ends the stream with the upstream's token counts when include_usage is set", async () => {
      const stream = await sdk.client.completions.create({
        model,
        prompt,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      // A priced model's usage also carries the gateway's `cost`.
      expect(last?.usage).toMatchObject({
        prompt_tokens: expected.inputTokens,
        completion_tokens: expected.outputTokens,
        total_tokens: expected.inputTokens + expected.outputTokens,
      });
    });

    it("answers several prompts in one request (LangChain's OpenAI.batch), choices numbered as OpenAI does", async () => {
      const prompts = ["First prompt", "Second prompt here"];
      const completion = await sdk.client.completions.create({ model, prompt: prompts, max_tokens: 50 });
      expect(completion.choices.map((choice) => [choice.index, choice.text])).toEqual(
        prompts.map((text, index) => [index, replyTo(provider, text).text]),
      );
      const replies = prompts.map((text) => replyTo(provider, text));
      expect(completion.usage?.prompt_tokens).toBe(
        replies.reduce((sum, reply) => sum + reply.inputTokens, 0),
      );
    });

    it("reads a prompt given as cl100k_base token ids, relaying them to a server that takes ids", async () => {
      const completion = await sdk.client.completions.create({
        model,
        prompt: encode(prompt),
        max_tokens: 50,
      });
      if (provider.label === "vllm") {
        // vLLM takes token ids: they go up as they are, as one prompt (the mock echoes the ids it read).
        expect(setup.mockOf(provider).requests[0]?.body).toMatchObject({ prompt: encode(prompt) });
        expect(completion.choices.map((choice) => choice.text)).toEqual([
          `Echo: ${encode(prompt).join(" ")}`,
        ]);
      } else {
        // Every other provider gets the text the ids stand for, so it answers as it answers the text.
        expect(completion.choices.map((choice) => choice.text)).toEqual([expected.text]);
      }
    });

    const takesPromptLists = provider.label === "vllm" || provider.label === "tgi";
    if (!takesPromptLists) {
      it("refuses to stream several prompts, which it would have to send one by one, with a 400 naming prompt", async () => {
        const error = await sdk.client.completions
          .create({ model, prompt: ["a", "b"], stream: true })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(BadRequestError);
        expect(error).toMatchObject({ status: 400, param: "prompt" });
      });
    }
  });
}
