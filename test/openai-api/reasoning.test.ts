import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMPATIBLE_ROWS } from "../api/compatible/rows.js";
import {
  anthropicStreamFrames,
  expectNoSpecViolations,
  parseSseText,
  REASONING_TEXT,
} from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { type ApiProvider, apiProvider } from "./api-providers.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * A reasoning model's thinking reaches OpenAI-API clients as `reasoning_content` (DeepSeek's field, which the
 * OpenAI SDKs pass on and LangChain reads), whole and streamed, on the OpenAI API and MLflow's deployments API,
 * whatever the provider calls it: `reasoning_content`, `reasoning`, Mistral's thinking chunks, Databricks'
 * reasoning parts, or Anthropic's thinking blocks.
 */

const PROMPT = "Please think first, then answer";
const ANSWER = `Echo: ${PROMPT}`;
const anthropic = apiProvider("anthropic");
const PROVIDERS: ApiProvider[] = [anthropic, ...COMPATIBLE_ROWS.map((row) => row.api)];

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  setup = await startProvidersGateway(PROVIDERS);
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const provider of PROVIDERS) expectNoSpecViolations(setup.mockOf(provider));
});

/** Anthropic's mock does not think by itself: its answers are scripted with a thinking block. */
function scriptAnthropicThinking(stream: boolean): void {
  const thinking = {
    type: "message",
    id: "msg_1",
    role: "assistant",
    model: "claude-3-7-sonnet-latest",
    content: [
      { type: "thinking", thinking: REASONING_TEXT, signature: "sig" },
      { type: "text", text: ANSWER },
    ],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 6, output_tokens: 7 },
  };
  if (!stream) {
    setup.mockOf(anthropic).enqueue({ kind: "json", status: 200, body: thinking });
    return;
  }
  const frames = anthropicStreamFrames({ text: ANSWER, inputTokens: 6 });
  // After message_start: a thinking block of its own, index 0, before the text (which the frames number 0 too,
  // so the text block is renumbered 1).
  const thinkingFrames = [
    `event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } })}\n\n`,
    `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: REASONING_TEXT } })}\n\n`,
    `event: content_block_stop\ndata: ${JSON.stringify({ type: "content_block_stop", index: 0 })}\n\n`,
  ];
  const renumbered = frames.map((frame) => frame.replaceAll('"index":0', '"index":1'));
  setup.mockOf(anthropic).enqueue({
    kind: "stream",
    frames: [renumbered[0] ?? "", ...thinkingFrames, ...renumbered.slice(1)],
  });
}

for (const provider of PROVIDERS) {
  describe(`reasoning on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "chat");

    it("answers with the reasoning as message.reasoning_content, apart from the content", async () => {
      if (provider === anthropic) scriptAnthropicThinking(false);
      const completion = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: PROMPT }],
      });
      const message = completion.choices[0]?.message as {
        content: string | null;
        reasoning_content?: string;
      };
      expect(message.content).toBe(ANSWER);
      expect(message.reasoning_content).toBe(REASONING_TEXT);
    });

    it("streams the reasoning as delta.reasoning_content before the content", async () => {
      if (provider === anthropic) scriptAnthropicThinking(true);
      const stream = await sdk.client.chat.completions.create({
        model,
        messages: [{ role: "user", content: PROMPT }],
        stream: true,
      });
      let reasoning = "";
      let content = "";
      let reasoningAfterContent = false;
      for await (const chunk of stream) {
        const delta = (chunk.choices[0]?.delta ?? {}) as {
          content?: string | null;
          reasoning_content?: string;
        };
        if (delta.reasoning_content) {
          reasoning += delta.reasoning_content;
          if (content !== "") reasoningAfterContent = true;
        }
        content += delta.content ?? "";
      }
      expect(reasoning).toBe(REASONING_TEXT);
      expect(content).toBe(ANSWER);
      expect(reasoningAfterContent).toBe(false);
    });

    it("carries the reasoning on MLflow's deployments API too", async () => {
      if (provider === anthropic) scriptAnthropicThinking(false);
      const response = await setup.gateway.post(`/endpoints/${model}/invocations`, {
        messages: [{ role: "user", content: PROMPT }],
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        choices: [{ message: { content: ANSWER, reasoning_content: REASONING_TEXT } }],
      });
    });

    it("streams it on MLflow's deployments API", async () => {
      if (provider === anthropic) scriptAnthropicThinking(true);
      const response = await setup.gateway.post(`/endpoints/${model}/invocations`, {
        messages: [{ role: "user", content: PROMPT }],
        stream: true,
      });
      const reasoning = parseSseText(response.text)
        .filter((message) => message.data !== "[DONE]")
        .map(
          (message) => JSON.parse(message.data) as { choices: { delta?: { reasoning_content?: string } }[] },
        )
        .map((chunk) => chunk.choices[0]?.delta?.reasoning_content ?? "")
        .join("");
      expect(reasoning).toBe(REASONING_TEXT);
    });
  });
}
