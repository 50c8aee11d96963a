import { expect } from "vitest";
import { geminiThoughtSignature } from "../mock-upstream/index.js";
import { API_PROVIDERS, type ApiProvider } from "../openai-api/api-providers.js";

/**
 * What each provider does with the agent APIs' reasoning, from its documented API and the mocks' echo rules
 * (test/mock-upstream/echo-rules.ts): whether a route backed by it can think at all, and, when it can, what the
 * client gets back and what the upstream must receive.
 */
export interface ReasoningCase {
  /** Thinking is refused with a 400 naming the feature: why the provider cannot. */
  unsupported?: string;
  /** The thinking block an Anthropic client gets for the first answer: its signature; none when the upstream's
   * API returns no reasoning text (OpenAI's chat API). */
  anthropicSignature?: string;
  /** The reasoning item's `encrypted_content` a Responses client gets (with include), when the provider returns
   * reasoning. */
  responsesToken?: string;
  /** Whether usage reports the reasoning tokens. */
  reportsReasoningTokens: boolean;
}

export const REASONING: Record<string, ReasoningCase> = {
  // Relayed for Anthropic clients: the mock's own signature; translated for Responses clients: the gateway's token.
  anthropic: {
    anthropicSignature: "sig_msg_mock_1",
    responsesToken: "switchyard:v1:anthropic:sig_msg_mock_1",
    reportsReasoningTokens: true,
  },
  // Cohere returns thinking text but no signature: the gateway's token names it.
  cohere: {
    anthropicSignature: "switchyard:v1:cohere:",
    responsesToken: "switchyard:v1:cohere:",
    reportsReasoningTokens: false,
  },
  // OpenAI's chat API reasons (reasoning_effort) without returning the reasoning; Responses clients are relayed.
  openai: { reportsReasoningTokens: true, responsesToken: "enc_resp_mock_1" },
  mock: { unsupported: "the built-in mock provider only echoes", reportsReasoningTokens: false },
  // Gemini's thought summary comes back without a signature (the function call carries it, in its id): the
  // gateway's token names the service, whose signatures only it checks.
  gemini: {
    anthropicSignature: "switchyard:v1:gemini:",
    responsesToken: "switchyard:v1:gemini:",
    reportsReasoningTokens: true,
  },
  vertex_ai: {
    anthropicSignature: "switchyard:v1:vertex_ai:",
    responsesToken: "switchyard:v1:vertex_ai:",
    reportsReasoningTokens: true,
  },
  // Bedrock signs Claude's reasoning itself: its signature, wrapped in the gateway's token.
  bedrock: {
    anthropicSignature: "switchyard:v1:bedrock:sig_bedrock_mock_1",
    responsesToken: "switchyard:v1:bedrock:sig_bedrock_mock_1",
    reportsReasoningTokens: false,
  },
};

/**
 * The OpenAI-compatible providers whose route's model takes `reasoning_effort` (each provider's documented
 * values; the tests' models): their reasoning text (`reasoning_content`, `reasoning`, thinking chunks) comes
 * back with no signature, so the gateway's token names no family.
 */
export const EFFORT_TAKING_COMPATIBLE = new Set([
  "deepseek",
  "mistral",
  "togetherai",
  "fireworks",
  "xai",
  "openrouter",
  "vllm",
  "ollama",
  "openai-compatible",
]);

/**
 * The OpenAI-compatible providers (or the tests' models of them) with no reasoning parameter: thinking is a
 * hint, dropped before the upstream call, and the answer has no thinking.
 */
export const EFFORT_DROPPING_COMPATIBLE = new Set([
  "groq",
  "databricks",
  "lmstudio",
  "llamacpp",
  "tgi",
  "ai21labs",
]);

const COMPATIBLE_THINKING: ReasoningCase = {
  anthropicSignature: "switchyard:v1:unknown:",
  responsesToken: "switchyard:v1:unknown:",
  reportsReasoningTokens: false,
};

const COMPATIBLE_WITHOUT_THINKING: ReasoningCase = { reportsReasoningTokens: false };

/** The providers the agent suites run over: every provider that serves chat. */
export const AGENT_PROVIDERS: ApiProvider[] = API_PROVIDERS.filter(
  (provider) => provider.serves.chat === true,
);

/**
 * Checks the upstream body of the turn that answers a tool call: the call's id reaches the upstream twice (the
 * assistant's call and the tool's result), each in the upstream's own shape; where the provider matches a
 * result to its call by name (Gemini), the id the gateway made up stays local and the name carries the match.
 */
export function expectToolRoundTrip(
  provider: ApiProvider,
  upstreamBody: unknown,
  id: string,
  result: string,
): void {
  const sent = JSON.stringify(upstreamBody);
  if (provider.toolCallIdsStayLocal === undefined) {
    expect(sent.split(id).length - 1).toBe(2);
  } else {
    expect(sent).not.toContain(id);
    // https://ai.google.dev/api/caching#FunctionResponse: the call and its answer, both by the function's name.
    expect(sent).toContain('"functionCall":{"name":"get_weather"');
    expect(sent).toContain('"functionResponse":{"name":"get_weather"');
  }
  expect(sent).toContain(result);
}

export function reasoningOf(provider: ApiProvider): ReasoningCase {
  const known = REASONING[provider.label];
  if (known !== undefined) return known;
  if (EFFORT_TAKING_COMPATIBLE.has(provider.label)) return COMPATIBLE_THINKING;
  if (EFFORT_DROPPING_COMPATIBLE.has(provider.label)) return COMPATIBLE_WITHOUT_THINKING;
  throw new Error(`no reasoning case for provider '${provider.label}'`);
}

/** The weather tool in Anthropic's shape. */
export const ANTHROPIC_WEATHER_TOOL = {
  name: "get_weather",
  description: "The current weather in a city.",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

/** The weather tool in the Responses API's shape. */
export const RESPONSES_WEATHER_TOOL = {
  type: "function" as const,
  name: "get_weather",
  description: "The current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

/**
 * Checks, for the providers the gateway translates thinking for (Gemini, Vertex AI, Bedrock, the compatible
 * family), the upstream bodies of a thinking turn that called a tool and of the next turn: the reasoning request
 * in the provider's own shape (a budget of 2048 tokens from the Messages API, the `low` effort from the Responses
 * API: the same on the gateway's scale, while Gemini takes an effort as Google maps it), and the turn's
 * reasoning going back to the provider that made it, with its signature, where the provider's API wants it.
 * The mocks refuse signatures they did not issue, so these also say the signature came back unchanged. Returns
 * false for the providers it does not cover.
 */
export function expectTranslatedThinking(
  provider: ApiProvider,
  first: unknown,
  followUp: unknown,
  thinking: string,
  ingress: "messages" | "responses",
): boolean {
  const label = provider.label;
  if (label === "gemini" || label === "vertex_ai") {
    // https://ai.google.dev/api/generate-content#ThinkingConfig; `low` is 1024 tokens on Google's own scale
    // (https://ai.google.dev/gemini-api/docs/openai#thinking).
    const thinkingBudget = ingress === "messages" ? 2048 : 1024;
    expect(first).toMatchObject({
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget } },
    });
    const api = label === "gemini" ? "gemini" : "vertex";
    const contents = (followUp as { contents?: unknown[] }).contents;
    // https://ai.google.dev/gemini-api/docs/thought-signatures: the signature back on the function call's part.
    expect(contents?.[1]).toEqual({
      role: "model",
      parts: [
        { text: thinking, thought: true },
        {
          functionCall: { name: "get_weather", args: { city: "Paris" } },
          thoughtSignature: geminiThoughtSignature(api, 1),
        },
      ],
    });
    return true;
  }
  if (label === "bedrock") {
    expect(first).toMatchObject({
      additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 2048 } },
    });
    const messages = (followUp as { messages?: unknown[] }).messages;
    expect(messages?.[1]).toMatchObject({
      role: "assistant",
      content: [
        { reasoningContent: { reasoningText: { text: thinking, signature: "sig_bedrock_mock_1" } } },
        { toolUse: { name: "get_weather" } },
      ],
    });
    return true;
  }
  if (EFFORT_TAKING_COMPATIBLE.has(label)) {
    expect(first).toMatchObject({ reasoning_effort: "low" });
    // Earlier reasoning goes back as text (DeepSeek's thinking mode wants it), except where a strict schema
    // forbids the field (Mistral).
    if (label !== "mistral") expect(JSON.stringify(followUp)).toContain(`"reasoning_content":"${thinking}"`);
    return true;
  }
  if (EFFORT_DROPPING_COMPATIBLE.has(label)) {
    // No reasoning parameter: the hint is dropped, never sent to be refused.
    expect(first).not.toHaveProperty("reasoning_effort");
    return true;
  }
  return false;
}
