import { expect } from "vitest";
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
};

/**
 * The providers whose translation has no reasoning request (their targets declare no `reasoning` feature, so
 * the gateway refuses thinking rather than dropping it): the Gemini API, Vertex AI, Bedrock Converse and the
 * OpenAI-compatible family. They may still return reasoning of their own accord (the compatible mocks do when
 * the prompt says "think first"), which reaches agent clients as thinking blocks and reasoning items.
 */
const NO_REASONING_REQUEST: ReasoningCase = {
  unsupported: "the route's provider takes no reasoning request through the gateway",
  reportsReasoningTokens: false,
};

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
  return REASONING[provider.label] ?? NO_REASONING_REQUEST;
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
