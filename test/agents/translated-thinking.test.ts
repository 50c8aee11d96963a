import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  BEDROCK_TEST_KEYS,
  type BedrockMock,
  countWords,
  expectNoSpecViolations,
  GEMINI_TEST_KEY,
  type GeminiMock,
  geminiThoughtSignature,
  type MockUpstream,
  startAnthropicMock,
  startBedrockMock,
  startGeminiMock,
  THINKING_PREFIX,
} from "../mock-upstream/index.js";
import { TOOL_PROMPT } from "../openai-api/chat-stream-accumulator.js";
import { type AgentClients, createAgentClients } from "./agent-clients.js";
import { ANTHROPIC_WEATHER_TOOL } from "./agent-providers.js";

/**
 * Thinking translated beyond the per-provider suites (anthropic-messages.test.ts, responses.test.ts): Gemini's
 * reasoning tokens priced as Gemini bills them, the signature Gemini puts on an answer's text sent back on that
 * text, Gemini 3's thinking level and its stand-in signature for calls another model made, and a conversation
 * that Gemini began with thinking and a tool call continued on Bedrock and on Anthropic without a 400: the mocks
 * refuse signatures they did not issue, ids outside their pattern and thinking that does not start a tool turn.
 */

let gemini: GeminiMock;
let bedrock: BedrockMock;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;
let clients: AgentClients;

/** USD per million tokens; reasoning dearer than the rest of the output, so that it shows in the cost. */
const PRICE = "    price: {input_per_mtok: 1000, output_per_mtok: 2000, reasoning_per_mtok: 4000}";

beforeAll(async () => {
  [gemini, bedrock, anthropic] = await Promise.all([
    startGeminiMock(),
    startBedrockMock(),
    startAnthropicMock(),
  ]);
  const route = (name: string, provider: string, model: string, config: Record<string, unknown>) => [
    `  - name: ${name}`,
    "    type: llm/v1/chat",
    "    model:",
    `      provider: ${provider}`,
    `      name: ${model}`,
    `      config: ${JSON.stringify(config)}`,
  ];
  const yaml = [
    "routes:",
    ...route("gemini", "gemini", "gemini-2.5-flash", {
      gemini_api_key: GEMINI_TEST_KEY,
      gemini_api_base: `${gemini.url}/v1beta`,
    }),
    PRICE,
    ...route("gemini-3", "gemini", "gemini-3-pro-preview", {
      gemini_api_key: GEMINI_TEST_KEY,
      gemini_api_base: `${gemini.url}/v1beta`,
    }),
    ...route("claude-bedrock", "bedrock", "anthropic.claude-sonnet-4-20250514-v1:0", {
      aws_config: {
        aws_region: "us-east-1",
        aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
        aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
      },
      bedrock_api_base: bedrock.url,
    }),
    ...route("claude", "anthropic", "claude-sonnet-4-5", {
      anthropic_api_key: "sk-ant-thinking",
      anthropic_api_base: `${anthropic.url}/v1`,
    }),
    "governance:",
    "  usage_log: {sinks: [{kind: stdout}]}",
    "",
  ].join("\n");
  gateway = await startGateway(yaml);
  clients = createAgentClients(gateway.url);
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([gemini?.close(), bedrock?.close(), anthropic?.close()]);
});
afterEach(async () => {
  await clients.expectSpecValid();
  for (const mock of [gemini, bedrock, anthropic]) {
    expectNoSpecViolations(mock);
    mock.reset();
  }
});

const thinking = { type: "enabled" as const, budget_tokens: 2048 };

describe("thinking on Gemini", () => {
  it("shows the thoughts, prices the thinking tokens as reasoning, and sends the text's signature back on the text", async () => {
    const messages: MessageParam[] = [{ role: "user", content: "Hello there" }];
    const stream = clients.anthropic.messages.stream({
      model: "gemini",
      max_tokens: 4096,
      thinking,
      messages,
    });
    let cost: unknown;
    stream.on("streamEvent", (event) => {
      if (event.type === "message_delta") cost = (event.usage as { cost?: unknown }).cost;
    });
    const first = await stream.finalMessage();
    const thought = `${THINKING_PREFIX}Hello there`;
    expect(first.content.filter((block) => block.type === "thinking")).toEqual([
      { type: "thinking", thinking: thought, signature: "switchyard:v1:gemini:" },
      // The signature Gemini put on the answer's last part, in the gateway's token.
      {
        type: "thinking",
        thinking: "",
        signature: `switchyard:v1:gemini:text:${geminiThoughtSignature("gemini", 1)}`,
      },
    ]);
    expect(first.content.find((block) => block.type === "text")).toMatchObject({ text: "Echo: Hello there" });

    // Gemini's thoughtsTokenCount is the usage's reasoning, billed at the reasoning price.
    const [record] = await gateway.usageRecords();
    const reasoning = countWords(thought);
    const output = reasoning + countWords("Echo: Hello there");
    expect(record).toMatchObject({ reasoning_tokens: reasoning, output_tokens: output, input_tokens: 2 });
    const nanoUsd = 2 * 1_000_000 + (output - reasoning) * 2_000_000 + reasoning * 4_000_000;
    expect(record?.cost_nano_usd).toBe(nanoUsd);
    expect(Number(cost) * 1e9).toBeCloseTo(nanoUsd, 0);

    messages.push({ role: "assistant", content: first.content }, { role: "user", content: "And again" });
    const second = await clients.anthropic.messages.create({
      model: "gemini",
      max_tokens: 4096,
      thinking,
      messages,
    });
    expect(second.stop_reason).toBe("end_turn");
    // https://ai.google.dev/gemini-api/docs/thought-signatures: the thought and the signed text, as Gemini sent them.
    const followUp = gemini.requests[1]?.body as { contents?: unknown[] } | undefined;
    expect(followUp?.contents?.[1]).toEqual({
      role: "model",
      parts: [
        { text: thought, thought: true },
        { text: "Echo: Hello there", thoughtSignature: geminiThoughtSignature("gemini", 1) },
      ],
    });
  });

  it("asks Gemini 3 for a level, and vouches for a call another model made with the documented stand-in", async () => {
    const answer = await clients.anthropic.messages.create({
      model: "gemini-3",
      max_tokens: 4096,
      thinking,
      tools: [ANTHROPIC_WEATHER_TOOL],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "Sunny" }] },
      ],
    });
    expect(answer.content.some((block) => block.type === "thinking")).toBe(true);
    const body = gemini.requests[0]?.body as { generationConfig: unknown; contents: unknown[] };
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 4096,
      thinkingConfig: { includeThoughts: true, thinkingLevel: "low" },
    });
    expect(body.contents[1]).toEqual({
      role: "model",
      parts: [
        {
          functionCall: { name: "get_weather", args: { city: "Paris" }, id: "toolu_01" },
          thoughtSignature: "skip_thought_signature_validator",
        },
      ],
    });
  });
});

describe("a conversation that switched provider mid tool loop", () => {
  it("continues on Bedrock and on Anthropic what Gemini began with thinking and a signed tool call", async () => {
    const messages: MessageParam[] = [{ role: "user", content: TOOL_PROMPT }];
    const request = { max_tokens: 4096, thinking, tools: [ANTHROPIC_WEATHER_TOOL] };
    const first = await clients.anthropic.messages.create({ ...request, model: "gemini", messages });
    const call = first.content.find((block) => block.type === "tool_use");
    const id = call?.type === "tool_use" ? call.id : "";
    // Gemini's signature travels in the call's id (base64url: within Anthropic's id pattern), too long for Bedrock's.
    expect(id).toContain("__thought__");
    expect(id).toMatch(/^[a-zA-Z0-9_-]+$/);
    messages.push(
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "Sunny" }] },
    );

    const onBedrock = await clients.anthropic.messages.create({
      ...request,
      model: "claude-bedrock",
      messages,
    });
    expect(onBedrock.stop_reason).toBe("end_turn");
    const converse = bedrock.requests[0]?.body as Record<string, unknown>;
    // Gemini's thinking is not Bedrock's to check, and Claude cannot think on a turn whose call had none.
    expect(JSON.stringify(converse)).not.toContain("reasoningContent");
    expect(converse).not.toHaveProperty("additionalModelRequestFields");
    const [, assistant, results] = converse.messages as {
      content: Record<string, { toolUseId: string }>[];
    }[];
    const useId = assistant?.content[0]?.toolUse?.toolUseId ?? "";
    expect(useId).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(results?.content[0]?.toolResult?.toolUseId).toBe(useId);

    const onAnthropic = await clients.anthropic.messages.create({ ...request, model: "claude", messages });
    expect(onAnthropic.stop_reason).toBe("end_turn");
    const relayed = anthropic.requests[0]?.body as { thinking?: unknown; messages: unknown[] };
    expect(relayed.thinking).toBeUndefined();
    const relayedIds = JSON.stringify(relayed.messages).match(/"(?:id|tool_use_id)":"[^"]*"/g) ?? [];
    expect(relayedIds).toHaveLength(2);
    for (const relayedId of relayedIds) expect(relayedId).toMatch(/:"[a-zA-Z0-9_-]+"$/);
    expect(JSON.stringify(relayed.messages)).not.toContain('"type":"thinking"');
  });
});
